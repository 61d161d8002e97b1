package org.lmm4j.app.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.OutputFormat;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.bench.SimulationSpec;
import org.lmm4j.app.bench.Simulator;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.Numbers;
import org.lmm4j.app.output.ProgressBar;
import org.lmm4j.inference.Interval;
import org.lmm4j.inference.ProfileLikelihood;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j coverage}: a seeded simulation study of the profile-likelihood intervals (not run in CI). Data set k
 * is drawn by {@code simulate}'s model (y = β0 + β1 t + b0 + b1 t + e, Ω with variances 4 and 0.25 and correlation
 * 0.3, σ² = 1, β = (10, 0.5)) with seed S + k, fitted by ML, and the profile interval of each of the six parameters
 * is checked against the true value; the share of data sets whose interval covers it should be near the level.
 */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = {"Coverage of the profile-likelihood intervals over simulated data sets (a seeded study)."},
        footer = {"", "Example:", "  lmm4j coverage --datasets 200 --subjects 30 --occasions 10 --seed 1"})
public final class CoverageCommand implements Callable<Integer> {

    @Option(names = "--datasets", defaultValue = "200", description = "simulated data sets (default ${DEFAULT-VALUE})")
    int datasets;

    @Option(names = "--subjects", defaultValue = "30", description = "subjects per data set (default ${DEFAULT-VALUE})")
    int subjects;

    @Option(names = "--occasions", defaultValue = "10", description = "occasions per subject (default ${DEFAULT-VALUE})")
    int occasions;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the first data set (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--level", defaultValue = "0.95", description = "confidence level (default ${DEFAULT-VALUE})")
    double level;

    @Option(names = "--estimator", defaultValue = ModelOptions.DEFAULT_ESTIMATOR, description = "estimator (default ${DEFAULT-VALUE})")
    String estimator;

    @Option(names = "--threads", description = "threads (default: every core)")
    Integer threads;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default ${DEFAULT-VALUE})")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    CoverageCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (datasets < 1) {
            throw new InputException("--datasets must be at least 1 (got " + datasets + ")");
        }
        SimulationSpec base = SimulationSpec.of(subjects, occasions);
        double[][] omega = base.omega();
        double[] truth = {Math.sqrt(omega[0][0]), omega[1][0] / Math.sqrt(omega[0][0] * omega[1][1]),
            Math.sqrt(omega[1][1]), Math.sqrt(base.sigma2()), base.beta()[0], base.beta()[1]};
        Estimator e = plugins.estimator(estimator);
        int[][] covered = new int[datasets][];
        List<String>[] names = new List[1];
        AtomicInteger done = new AtomicInteger();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "coverage");
        Object lock = new Object();
        long start = System.nanoTime();
        ForkJoinPool pool = new ForkJoinPool(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        try {
            pool.submit(() -> IntStream.range(0, datasets).parallel().forEach(k -> {
                MixedModel model = new MixedModel(new Simulator(base.withSeed(seed + k)).modelData(),
                        plugins.structure("scalar"), plugins.structure("free"), Method.ML);
                List<Interval> ci = new ProfileLikelihood(model, e, FitOptions.defaults(), null).intervals(level);
                int[] hit = new int[truth.length];
                for (int j = 0; j < truth.length; j++) {
                    hit[j] = ci.get(j).lower() <= truth[j] && truth[j] <= ci.get(j).upper() ? 1 : 0;
                }
                covered[k] = hit;
                synchronized (lock) {
                    names[0] = ci.stream().map(Interval::parameter).toList();
                    bar.step(done.incrementAndGet(), datasets, "data set " + (seed + k));
                }
            })).get();
        } catch (ExecutionException ex) {
            throw ex.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ex.getCause());
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int[] count = new int[truth.length];
        for (int[] hit : covered) {
            for (int j = 0; j < truth.length; j++) {
                count[j] += hit[j];
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            ObjectNode o = FitJson.object();
            o.put("datasets", datasets);
            o.put("subjects", subjects);
            o.put("occasions", occasions);
            o.put("seed", seed);
            o.put("level", level);
            FitJson.number(o, "seconds", seconds);
            ArrayNode rows = JsonNodeFactory.instance.arrayNode();
            for (int j = 0; j < truth.length; j++) {
                ObjectNode r = rows.addObject();
                r.put("parameter", names[0].get(j));
                r.put("truth", truth[j]);
                r.put("covered", count[j]);
                r.put("coverage", (double) count[j] / datasets);
            }
            o.set("parameters", rows);
            out.println(FitJson.write(o));
        } else {
            out.printf("Coverage of %s%% profile intervals: %d data sets of %d subjects × %d occasions, seeds %d..%d, %s s%n",
                    Numbers.fixed(100 * level, 0), datasets, subjects, occasions, seed, seed + datasets - 1,
                    Numbers.fixed(seconds, 1));
            out.printf("%-26s%10s%10s%10s%n", "parameter", "truth", "covered", "coverage");
            for (int j = 0; j < truth.length; j++) {
                double c = (double) count[j] / datasets;
                out.printf("%-26s%10s%10d%10s%n", names[0].get(j), Numbers.significant(truth[j], 4), count[j],
                        Numbers.fixed(100 * c, 1) + "%");
            }
            out.printf("(binomial standard error of a %s%% coverage over %d data sets: %s points)%n",
                    Numbers.fixed(100 * level, 0), datasets,
                    Numbers.fixed(100 * Math.sqrt(level * (1 - level) / datasets), 1));
        }
        out.flush();
        return 0;
    }
}
