package org.lmm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.Plugins;

/** Other Spark sources give the same fit, and bad input to {@code spark-fit} is one message and exit status 2. */
class SparkInputTest {

    static Plugins plugins;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        spark = LocalSpark.get();
    }

    @Test
    void parquetAndATableGiveTheFitOfTheCsv() throws Exception {
        Path dir = Files.createTempDirectory("lmm4j-parquet");
        String parquet = dir.resolve("dental.parquet").toString();
        SparkFitTest.spark = spark;
        SparkFitTest.plugins = plugins;
        SparkFitTest.csv("orthodont.csv").write().parquet(parquet);
        SparkFitTest.csv("orthodont.csv").createOrReplaceTempView("dental");
        SparkFit.Request r = SparkFitTest.request("distance ~ Sex*age + (age | Subject)", "scalar", null, null,
                Method.REML, 2, PartitionProbe.NONE);
        FitResult csv = SparkFit.fit(spark, SparkFitTest.csv("orthodont.csv"), r, plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        FitResult fromParquet = SparkFit.fit(spark, spark.read().parquet(parquet), r, plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        FitResult fromTable = SparkFit.fit(spark, spark.table("dental"), r, plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        SparkFitTest.assertSameFit(csv, fromParquet, "parquet");
        SparkFitTest.assertSameFit(csv, fromTable, "table");
    }

    @Test
    void aColumnThatIsNotThereIsOneMessageAndExitStatus2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SparkFitMain.run(new String[] {"--master", "local[2]", "--data",
                "src/test/resources/sleepstudy.csv", "--formula", "Reaction ~ Dayz + (1 | Subject)"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertTrue(message.contains("unknown column \"Dayz\""), message);
        assertTrue(!message.contains("\tat "), "no stack trace: " + message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void alternatingIsRefusedWithAReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SparkFitMain.run(new String[] {"--master", "local[2]", "--data",
                "src/test/resources/sleepstudy.csv", "--formula", "Reaction ~ Days + (1 | Subject)", "--estimator",
                "alternating"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("use --estimator newton or em"));
    }
}
