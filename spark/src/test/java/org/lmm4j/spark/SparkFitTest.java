package org.lmm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.ModelFactory;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.paper.PaperMean;
import org.lmm4j.app.paper.PaperSigma;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;

/**
 * The Spark fit against the in-process fit of the same model on the same data: the criterion within 1e-9 relative,
 * β, Σ and Ω within 1e-6 (relative to the size of each matrix), on every cell of the paper's Table 1, sleepstudy by ML
 * and REML, and a simulated 10⁶-row model generated inside Spark; and a task that fails once is rerun by Spark without
 * changing the fit.
 */
class SparkFitTest {

    static Plugins plugins;
    static SparkSession spark;
    /** The largest differences met, printed at the end for the record. */
    static double worstCriterion;
    static double worstParameter;

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.printf(java.util.Locale.ROOT, "spark vs in-process: criterion within %.2e relative, β/Σ/Ω within "
                + "%.2e (relative to each matrix's scale)%n", worstCriterion, worstParameter);
    }

    @BeforeAll
    static void start() {
        plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        spark = LocalSpark.get();
    }

    static Path resource(String name) {
        return Path.of("src/test/resources", name);
    }

    static Dataset<Row> csv(String name) {
        return spark.read().option("header", "true").option("inferSchema", "true").csv(resource(name).toString());
    }

    static SparkFit.Request request(String formula, String residual, String time, String group, Method method,
                                    int partitions, PartitionProbe probe) {
        return new SparkFit.Request(formula, plugins.structure(residual), plugins.structures(), time, group, method,
                partitions, probe);
    }

    static FitResult inProcess(DataTable table, String formula, String residual, String time, String group,
                               Method method) {
        MixedModel model = ModelFactory.build(table, formula, residual, time, group, method, plugins);
        return plugins.estimator("newton").fit(model, FitOptions.defaults());
    }

    static void assertSameFit(FitResult expected, FitResult actual, String what) {
        assertEquals(expected.status(), actual.status(), what + ": status");
        assertEquals(expected.criterion(), actual.criterion(), 1e-9 * Math.abs(expected.criterion()),
                what + ": criterion");
        if (Double.isFinite(expected.criterion())) {
            worstCriterion = Math.max(worstCriterion,
                    Math.abs(expected.criterion() - actual.criterion()) / Math.abs(expected.criterion()));
        }
        assertEquals(expected.fixedNames(), actual.fixedNames(), what + ": fixed effects");
        close(expected.fixedEffects(), actual.fixedEffects(), what + ": β");
        close(expected.sigma(), actual.sigma(), what + ": Σ");
        if (expected.omega() != null) {
            close(expected.omega(), actual.omega(), what + ": Ω");
        }
        assertEquals(expected.groups(), actual.groups(), what + ": groups");
        assertEquals(expected.observations(), actual.observations(), what + ": rows");
    }

    static void close(double[] e, double[] a, String what) {
        assertEquals(e.length, a.length, what);
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6 * Math.max(1, scale), what + "[" + i + "]");
            worstParameter = Math.max(worstParameter, Math.abs(e[i] - a[i]) / Math.max(1, scale));
        }
    }

    static void close(double[][] e, double[][] a, String what) {
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            close(e[i], a[i], what + "[" + i + "]");
        }
    }

    @Test
    void everyCellOfTable1IsTheInProcessFit() {
        DataTable dental = CsvTableReader.read(resource("orthodont.csv"));
        Dataset<Row> data = csv("orthodont.csv");
        int cells = 0;
        for (PaperMean mean : PaperMean.values()) {
            for (PaperSigma sigma : PaperSigma.values()) {
                String formula = sigma.formula(mean);
                FitResult expected = inProcess(dental, formula, sigma.residual(), "age", "Subject", Method.ML);
                SparkFit.Result r = SparkFit.fit(spark, data, request(formula, sigma.residual(), "age", "Subject",
                        Method.ML, 3, PartitionProbe.NONE), plugins.estimator("newton"), FitOptions.defaults());
                assertSameFit(expected, r.fit(), mean + "/" + sigma);
                cells++;
            }
        }
        assertEquals(12, cells);
    }

    @Test
    void sleepstudyByMlAndRemlAndItsBlupsAsADataSet() {
        DataTable table = CsvTableReader.read(resource("sleepstudy.csv"));
        Dataset<Row> data = csv("sleepstudy.csv");
        for (Method m : Method.values()) {
            String formula = "Reaction ~ Days + (Days | Subject)";
            FitResult expected = inProcess(table, formula, "scalar", null, null, m);
            SparkFit.Result r = SparkFit.fit(spark, data, request(formula, "scalar", null, null, m, 4,
                    PartitionProbe.NONE), plugins.estimator("newton"), FitOptions.defaults());
            assertSameFit(expected, r.fit(), "sleepstudy " + m);
            Map<String, double[]> byId = new HashMap<>();
            for (int i = 0; i < expected.groupIds().size(); i++) {
                byId.put(expected.groupIds().get(i), expected.randomEffects()[i]);
            }
            List<Row> blups = r.blups().collectAsList();
            assertEquals(18, blups.size());
            for (Row row : blups) {
                double[] b = byId.get(row.getString(0));
                assertEquals(b[0], row.getDouble(1), 1e-6 * Math.max(1, Math.abs(b[0])), "BLUP " + row);
                assertEquals(b[1], row.getDouble(2), 1e-6 * Math.max(1, Math.abs(b[1])), "BLUP " + row);
            }
        }
    }

    @Test
    void emOnSparkIsTheInProcessEm() {
        DataTable table = CsvTableReader.read(resource("sleepstudy.csv"));
        String formula = "Reaction ~ Days + (Days | Subject)";
        MixedModel model = ModelFactory.build(table, formula, "scalar", null, null, Method.REML, plugins);
        FitResult expected = plugins.estimator("em").fit(model, FitOptions.defaults());
        SparkFit.Result r = SparkFit.fit(spark, csv("sleepstudy.csv"), request(formula, "scalar", null, null,
                Method.REML, 2, PartitionProbe.NONE), plugins.estimator("em"), FitOptions.defaults());
        assertSameFit(expected, r.fit(), "em");
    }

    @Test
    void aMillionSimulatedRowsGeneratedInSparkGiveTheInProcessFit() {
        Dataset<Row> data = SparkSimulation.randomSlopes(spark, 100_000, 10, 7).cache();
        List<Row> rows = data.collectAsList();
        String[] subj = new String[rows.size()];
        double[] t = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            subj[i] = rows.get(i).getString(0);
            t[i] = rows.get(i).getDouble(1);
            y[i] = rows.get(i).getDouble(2);
        }
        DataTable table = new DataTable("simulated", List.of("subj", "t", "y"),
                List.of(DataColumn.ofCells(subj), new DataColumn(t, null, List.of()), new DataColumn(y, null, List.of())),
                null, List.of(), null);
        String formula = "y ~ t + (t | subj)";
        FitResult expected = inProcess(table, formula, "scalar", null, null, Method.ML);
        SparkFit.Result r = SparkFit.fit(spark, data, request(formula, "scalar", null, null, Method.ML, 4,
                PartitionProbe.NONE), plugins.estimator("newton"), FitOptions.defaults());
        assertEquals(1_000_000, r.fit().observations());
        assertSameFit(expected, r.fit(), "10⁶ rows");
        data.unpersist();
    }

    @Test
    void aTaskThatFailsOnItsFirstAttemptIsRerunAndTheFitIsUnchanged() throws Exception {
        Path marker = Files.createTempDirectory("lmm4j-spark").resolve("failed-once");
        String formula = "Reaction ~ Days + (Days | Subject)";
        SparkFit.Request plain = request(formula, "scalar", null, null, Method.ML, 3, PartitionProbe.NONE);
        String where = marker.toString();
        SparkFit.Request failing = request(formula, "scalar", null, null, Method.ML, 3, partition -> {
            Path m = Path.of(where);
            if (partition == 0 && TaskContext.get().attemptNumber() == 0 && !Files.exists(m)) {
                Files.createFile(m);
                throw new IllegalStateException("injected failure of the first attempt");
            }
        });
        FitResult once = SparkFit.fit(spark, csv("sleepstudy.csv"), plain, plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        FitResult retried = SparkFit.fit(spark, csv("sleepstudy.csv"), failing, plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        assertTrue(Files.exists(marker), "the injected failure happened");
        assertEquals(FitStatus.CONVERGED, retried.status());
        assertSameFit(once, retried, "after a retried task");
    }
}
