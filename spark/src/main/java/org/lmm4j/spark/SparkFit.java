package org.lmm4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.likelihood.CentredRandomEffects;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.WorkingDesign;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.optimise.Fitting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mixed model fitted on Apache Spark (docs/DESIGN.md §6): the same formula, structures, estimators, criterion and
 * {@link FitResult} as in-process, with the groups kept on the cluster.
 * <ol>
 *   <li>The data set is made ready once ({@link SparkFrame}): rows with missing values dropped, each group whole in one
 *       partition, the factors' levels and the occasions found over the whole data.</li>
 *   <li>First pass: each partition compiles its rows into groups and returns its Givens triangle of [X y]
 *       ({@link WorkingDesign.Rows}) and the moments of Z; the driver joins the triangles into the working
 *       transform and decides the centring of Z as in-process.</li>
 *   <li>Second pass, cached: each partition compiles again, centres, maps its groups to working coordinates and reduces
 *       them on the in-process {@link org.lmm4j.likelihood.CriterionPath} (sufficient statistics for Σ = σ²I), and
 *       returns the moments of its residuals for the start values.</li>
 *   <li>The fit: the host {@link Fitting} runs the estimator on a {@link ProfiledDeviance} whose group sums are
 *       {@link DistributedPath}'s, one treeAggregate each; the second-order step stays on the driver.</li>
 * </ol>
 */
public final class SparkFit {

    private static final Logger LOG = LoggerFactory.getLogger(SparkFit.class);

    private SparkFit() {
    }

    /**
     * What to fit.
     *
     * @param formula     the model formula, as in-process
     * @param residual    Σ's structure
     * @param structures  every known structure by name (a formula may name one)
     * @param timeColumn  the time column (null: positions within groups)
     * @param groupColumn the grouping column of a marginal model (null: from the random term)
     * @param method      ML or REML
     * @param partitions  the number of partitions (≤ 0: four per core of the cluster)
     * @param probe       called before each partition's share of an evaluation ({@link PartitionProbe#NONE})
     */
    public record Request(String formula, CovarianceStructure residual, Map<String, CovarianceStructure> structures,
                         String timeColumn, String groupColumn, Method method, int partitions, PartitionProbe probe)
            implements Serializable {
    }

    /**
     * A fit and where its time went.
     *
     * @param fit            the result, as in-process (BLUPs included)
     * @param model          the model fitted (its data a summary: the groups stayed on the cluster)
     * @param blups          the BLUPs as a data set: the group, then one column per random effect
     * @param reductionMillis the two passes over the data (compiling, the triangle, the per-group statistics)
     * @param fitMillis      the estimator, the finish and the assembly
     * @param evaluations    the number of distributed evaluations (treeAggregates)
     * @param partitions     the number of partitions
     */
    public record Result(FitResult fit, MixedModel model, Dataset<Row> blups, long reductionMillis, long fitMillis,
                         int evaluations, int partitions) {
    }

    /** One partition's first pass. */
    record FirstPass(int index, ModelData header, Terms terms, int groups, WorkingDesign.Rows rows,
                     DataMoments design) implements Serializable {
    }

    /** One partition's second pass: its cached share of the criterion and the moments of its residuals. */
    record SecondPass(Part part, DataMoments moments, ModelData header) implements Serializable {
    }

    /**
     * Several random terms nested in one factor, as one partition regroups them ({@link NestedTerms#ofPart}): each
     * term's label, structure, q_k and number of slots M_k (the partition's own, or at least the given ones).
     */
    record Terms(String[] labels, String[] structures, int[] dims, int[] copies) implements Serializable {

        static Terms of(NestedTerms nested) {
            int k = nested.terms().size();
            Terms t = new Terms(new String[k], new String[k], new int[k], new int[k]);
            for (int i = 0; i < k; i++) {
                NestedTerms.Term term = nested.terms().get(i);
                t.labels[i] = term.label();
                t.structures[i] = term.term().structure();
                t.dims[i] = term.q();
                t.copies[i] = term.copies();
            }
            return t;
        }

        /** The slots of both (the larger M_k of each term). */
        Terms max(Terms o) {
            int[] c = copies.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.max(c[i], o.copies[i]);
            }
            return new Terms(labels, structures, dims, c);
        }

        /** q = Σ_k M_k q_k. */
        int q() {
            int q = 0;
            for (int i = 0; i < dims.length; i++) {
                q += copies[i] * dims[i];
            }
            return q;
        }
    }

    /** A partition's groups: the one-term model's, or several nested terms regrouped with at least {@code copies}. */
    private static ModelData groupsOf(org.lmm4j.formula.CompiledModel cm, int[] copies) {
        return cm.multiTerm() ? NestedTerms.ofPart(cm.frame(), copies).data() : cm.data();
    }

    /** Fits the model of {@code request} to {@code data} with {@code estimator}. */
    public static Result fit(SparkSession spark, Dataset<Row> data, Request request, Estimator estimator,
                             FitOptions options) {
        if (estimator.name().equals("alternating")) {
            throw new InputException("the alternating estimator checks the conditioning of every V_i from the driver, "
                    + "which does not hold the groups on Spark; use --estimator newton or em");
        }
        long start = System.nanoTime();
        CompileOptions compile = new CompileOptions(request.timeColumn(), request.groupColumn(),
                request.structures().keySet());
        SparkFrame frame;
        try {
            frame = SparkFrame.of(data, request.formula(), compile, request.partitions());
        } catch (RuntimeException e) {
            throw inputCause(e);
        }
        long framed = System.nanoTime();
        LOG.info("coded the data (missing values, levels, occasions, partitioning) in {} ms",
                (framed - start) / 1_000_000);
        List<String> columns = frame.columns();
        boolean[] numeric = frame.numeric();
        String formula = frame.formula();
        CompileOptions coded = frame.options();
        JavaRDD<Row> rows = frame.rows().javaRDD();

        List<FirstPass> first = new ArrayList<>(collect(rows.mapPartitionsWithIndex((index, it) -> {
            org.lmm4j.formula.CompiledModel cm = SparkFrame.compile(it, columns, numeric, formula, coded, index);
            if (cm == null) {
                return List.<FirstPass>of().iterator();
            }
            Terms local = cm.multiTerm() ? Terms.of(NestedTerms.ofPart(cm.frame(), null)) : null;
            ModelData d = groupsOf(cm, null);
            WorkingDesign.Rows r = new WorkingDesign.Rows(d.p());
            // Z's moments decide the centring of one term's design (several terms' padded Z is not centred)
            DataMoments z = new DataMoments(new double[d.p()], true, d.occasions(), local == null ? d.q() : 0, false);
            for (Group g : d.groups()) {
                r.add(g);
                if (local == null) {
                    z.add(g);
                }
            }
            ModelData header = withoutGroups(d, null);
            return List.of(new FirstPass(index, header, local, d.groupCount(), r, z)).iterator();
        }, true)));
        first.sort(java.util.Comparator.comparingInt(FirstPass::index));
        LOG.info("first pass (compile, triangle of [X y], moments of Z) in {} ms", (System.nanoTime() - framed) / 1_000_000);
        if (first.isEmpty()) {
            throw new InputException("the Spark data set has no rows to fit");
        }
        ModelData header = first.get(0).header();
        Terms terms = first.get(0).terms();
        for (FirstPass f : first) {
            terms = terms == null ? null : terms.max(f.terms());
        }
        int[] copies = terms == null ? null : terms.copies();
        int p = header.p();
        int q = terms == null ? header.q() : terms.q();
        WorkingDesign.Rows triangle = new WorkingDesign.Rows(p);
        DataMoments zMoments = new DataMoments(new double[p], true, header.occasions(), terms == null ? q : 0, false);
        Map<Integer, Integer> firstGroup = new LinkedHashMap<>();
        int groups = 0;
        for (FirstPass f : first) {
            triangle.merge(f.rows());
            zMoments.merge(f.design());
            firstGroup.put(f.index(), groups);
            groups += f.groups();
        }
        CovarianceStructure omega = q == 0 ? null : terms == null ? omegaStructure(request, formula)
                : termBlocks(request, terms);
        List<String> notes = new ArrayList<>(header.notes());
        if (frame.dropped() > 0) {
            notes.add(frame.dropped() + (frame.dropped() == 1 ? " row with missing values dropped"
                    : " rows with missing values dropped"));
        }
        ModelData described = new ModelData(List.of(), header.fixedNames(), header.randomNames(), header.response(),
                header.grouping(), header.occasionLabels(), Math.toIntExact(frame.dropped()), notes, zMoments);
        CentredRandomEffects centring = terms == null
                ? CentredRandomEffects.of(new MixedModel(described, request.residual(), omega, request.method())) : null;
        WorkingDesign transform = WorkingDesign.of(triangle);
        double[] ols = transform.leastSquares();
        boolean sufficient = ProfiledDeviance.usesSufficientStatistics(request.residual(), header.occasions());
        boolean scalar = request.residual().isScalar();
        int t = header.occasions();

        JavaRDD<SecondPass> second = rows.mapPartitionsWithIndex((index, it) -> {
            org.lmm4j.formula.CompiledModel cm = SparkFrame.compile(it, columns, numeric, formula, coded, index);
            if (cm == null) {
                return List.<SecondPass>of().iterator();
            }
            ModelData d = groupsOf(cm, copies);
            DataMoments m = new DataMoments(ols, scalar, t, q, true);
            List<Group> working = new ArrayList<>(d.groupCount());
            for (Group g : d.groups()) {
                Group c = centring == null ? g : centring.centred(g);
                m.add(c);
                working.add(transform.working(c));
            }
            Part part = Part.of(index, firstGroup.get(index), working, p, q, sufficient);
            return List.of(new SecondPass(part, m, withoutGroups(d, null))).iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());
        List<SecondPass> byPart = collect(second.map(sp -> new SecondPass(null, sp.moments(), sp.header())));
        DataMoments moments = new DataMoments(ols, scalar, t, q, true);
        byPart.forEach(sp -> moments.merge(sp.moments()));
        if (terms != null) { // the slots' names, as every partition now has them
            header = byPart.get(0).header();
        }
        long reduced = System.nanoTime();
        LOG.info("reduced {} rows in {} groups over {} partitions in {} ms", moments.rows(), moments.groups(),
                first.size(), (reduced - start) / 1_000_000);

        ModelData summarised = new ModelData(List.of(), header.fixedNames(), header.randomNames(), header.response(),
                header.grouping(), header.occasionLabels(), Math.toIntExact(frame.dropped()), notes, moments);
        MixedModel model = new MixedModel(summarised, request.residual(), omega, request.method());
        EvaluationCounter counter = new EvaluationCounter();
        JavaRDD<Part> parts = second.map(SecondPass::part);
        // up to 64 partitions send their sums to the driver directly; more go through ⌈log₈⌉ levels of partial sums
        int depth = first.size() <= 64 ? 1 : (int) Math.ceil(Math.log(first.size()) / Math.log(8));
        DistributedPath path = new DistributedPath(parts, moments.groups(), depth, request.probe(), counter);
        ProfiledDeviance deviance = new ProfiledDeviance(model, transform, path);
        FitResult fit;
        try {
            fit = Fitting.fit(estimator, deviance, options);
        } catch (RuntimeException e) {
            throw inputCause(e);
        }
        if (centring != null) {
            fit = centring.mapBack(fit, new MixedModel(described, request.residual(), omega, request.method()));
        }
        long done = System.nanoTime();
        Map<String, String> provenance = new LinkedHashMap<>(fit.provenance());
        provenance.put("engine", "spark " + spark.version() + ", master " + spark.sparkContext().master());
        provenance.put("spark.partitions", String.valueOf(first.size()));
        provenance.put("spark.reductionMillis", String.valueOf((reduced - start) / 1_000_000));
        provenance.put("spark.evaluations", String.valueOf(counter.evaluations()));
        fit = withProvenance(fit, provenance);
        second.unpersist(false);
        LOG.info("fitted in {} ms: {} evaluations, {} iterations", (done - reduced) / 1_000_000, counter.evaluations(),
                fit.summary().iterations());
        return new Result(fit, model,
                blupDataset(spark, fit, header), (reduced - start) / 1_000_000,
                (done - reduced) / 1_000_000, counter.evaluations(), first.size());
    }

    private static CovarianceStructure omegaStructure(Request request, String formula) {
        String name = org.lmm4j.formula.Formula.parse(formula).random().omegaStructure();
        String key = name == null ? "free" : name;
        CovarianceStructure s = request.structures().get(key);
        if (s == null) {
            throw new InputException("unknown covariance structure \"" + key + "\"; known: "
                    + String.join(", ", request.structures().keySet()));
        }
        return s;
    }

    private static CovarianceStructure termBlocks(Request request, Terms terms) {
        List<org.lmm4j.likelihood.TermBlocks.Block> blocks = new ArrayList<>();
        for (int k = 0; k < terms.labels().length; k++) {
            CovarianceStructure s = request.structures().get(terms.structures()[k]);
            if (s == null) {
                throw new InputException("unknown covariance structure \"" + terms.structures()[k] + "\"; known: "
                        + String.join(", ", request.structures().keySet()));
            }
            blocks.add(new org.lmm4j.likelihood.TermBlocks.Block(terms.labels()[k], s, terms.dims()[k],
                    terms.copies()[k]));
        }
        return org.lmm4j.likelihood.TermBlocks.of(blocks);
    }

    private static ModelData withoutGroups(ModelData d, DataMoments summary) {
        return new ModelData(List.of(), d.fixedNames(), d.randomNames(), d.response(), d.grouping(), d.occasionLabels(),
                d.droppedRows(), d.notes(), summary);
    }

    private static FitResult withProvenance(FitResult r, Map<String, String> provenance) {
        return new FitResult(r.status(), r.reason(), r.method(), r.estimator(), r.criterion(), r.minus2LogLik(),
                r.logLik(), r.aic(), r.bic(), r.parameters(), r.observations(), r.groups(), r.fixedNames(),
                r.fixedEffects(), r.standardErrors(), r.covFixedEffects(), r.occasionLabels(), r.sigma(),
                r.randomNames(), r.omega(), r.groupIds(), r.randomEffects(), r.theta(), r.singular(), r.warnings(),
                r.summary(), provenance, r.termEffects());
    }

    /** The BLUPs of the fit as a data set (group, then one column per random effect). */
    private static Dataset<Row> blupDataset(SparkSession spark, FitResult fit, ModelData header) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(header.grouping() == null ? "group" : header.grouping(),
                DataTypes.StringType, false));
        for (String name : fit.randomNames()) {
            fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, true));
        }
        List<Row> out = new ArrayList<>(fit.groupIds().size());
        double[][] b = fit.randomEffects();
        for (int i = 0; i < fit.groupIds().size(); i++) {
            Object[] v = new Object[1 + fit.randomNames().size()];
            v[0] = fit.groupIds().get(i);
            for (int a = 0; a < fit.randomNames().size(); a++) {
                v[1 + a] = b[i][a];
            }
            out.add(RowFactory.create(v));
        }
        return spark.createDataFrame(out, new StructType(fields.toArray(new StructField[0])));
    }

    private static <T> List<T> collect(JavaRDD<T> rdd) {
        try {
            return rdd.collect();
        } catch (RuntimeException e) {
            throw inputCause(e);
        }
    }

    /** An input error raised in a task reaches the driver wrapped: unwrap it so it is reported as one. */
    static RuntimeException inputCause(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InputException ie) {
                return ie;
            }
            // a task's exception reaches the driver as text in the job's failure message
            String m = c.getMessage();
            int at = m == null ? -1 : m.indexOf(InputException.class.getName() + ": ");
            if (at >= 0) {
                String rest = m.substring(at + InputException.class.getName().length() + 2);
                return new InputException(rest.lines().findFirst().orElse(rest).strip());
            }
        }
        return e;
    }
}
