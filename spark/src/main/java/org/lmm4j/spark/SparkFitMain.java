package org.lmm4j.spark;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.output.FitContext;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.FitText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lmm4j spark-fit}: the fit command on Spark. Run it with {@code spark-submit} on a cluster (the master comes
 * from spark-submit), or through {@code ./lmm4j spark-fit --master 'local[*]' ...} on one machine. The output is the
 * in-process {@code fit}'s text or JSON; progress goes to standard error.
 */
@Command(name = "spark-fit", mixinStandardHelpOptions = true,
        description = "Fit a linear mixed model to a Spark data set (CSV, Parquet, JSON or a table), or to one simulated "
                + "inside Spark.")
public final class SparkFitMain implements Callable<Integer> {

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (e.g. local[*], yarn); default: "
            + "spark-submit's, else local[*].")
    String master;

    @Option(names = "--data", paramLabel = "PATH", description = "The data: a file or directory Spark reads.")
    String data;

    @Option(names = "--source", paramLabel = "csv|parquet|json|table",
            description = "How to read --data (default: from its extension; table: a catalog table name).")
    String source;

    @Option(names = "--simulate", paramLabel = "SUBJECTSxOCCASIONS",
            description = "Instead of --data, y ~ t + (t | subj) simulated inside Spark, e.g. 1000000x10.")
    String simulate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of --simulate. Default: 1.")
    long seed;

    @Option(names = "--formula", paramLabel = "FORMULA", required = true, description = "The model formula.")
    String formula;

    @Option(names = "--residual", paramLabel = "STRUCTURE", defaultValue = "scalar",
            description = "Σ's structure. Default: scalar.")
    String residual;

    @Option(names = "--time", paramLabel = "COLUMN", description = "Occasions column for a structured Σ.")
    String time;

    @Option(names = "--group", paramLabel = "COLUMN", description = "Grouping column of a marginal model.")
    String group;

    @Option(names = "--method", paramLabel = "ML|REML", defaultValue = "ML", description = "Default: ML.")
    Method method;

    @Option(names = "--estimator", paramLabel = "newton|em", defaultValue = "newton", description = "Default: newton.")
    String estimator;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Partitions of the groups (default: four per core).")
    int partitions;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Default: text.")
    String format;

    @Option(names = "--blups-out", paramLabel = "PATH", description = "Write the BLUPs there as Parquet.")
    String blupsOut;

    private final PrintStream out;
    private final PrintStream err;

    SparkFitMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command; exit status 0, 1 (a failure) or 2 (bad input). */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SparkFitMain(out, err)).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof InputException) {
                err.println("lmm4j spark-fit: " + e.getMessage());
                return 2;
            }
            err.println("lmm4j spark-fit: " + e);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if ((data == null) == (simulate == null)) {
            throw new InputException("give exactly one of --data PATH and --simulate SUBJECTSxOCCASIONS");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw new InputException("--format must be text or json, not \"" + format + "\"");
        }
        Plugins plugins = com.google.inject.Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        Estimator e = plugins.estimator(estimator);
        SparkSession.Builder builder = SparkSession.builder().appName("lmm4j spark-fit");
        if (master != null) {
            builder.master(master);
        } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = builder.getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            Dataset<Row> input = read(spark);
            long started = System.nanoTime();
            err.println("lmm4j spark-fit: reducing the groups on " + spark.sparkContext().master() + " …");
            FitOptions options = FitOptions.defaults().withProgress(r -> err.printf(Locale.ROOT,
                    "lmm4j spark-fit: %s iteration %d, criterion %.10g%n", r.phase(), r.iteration(), r.criterion()));
            SparkFit.Result r = SparkFit.fit(spark, input, new SparkFit.Request(formula, plugins.structure(residual),
                    plugins.structures(), time, group, method, partitions, PartitionProbe.NONE), e, options);
            long total = (System.nanoTime() - started) / 1_000_000;
            int iterations = r.fit().summary().iterations() + r.fit().summary().finishIterations();
            err.printf(Locale.ROOT, "lmm4j spark-fit: %d rows, %d groups, %d partitions: reduction %d ms, fit %d ms "
                            + "(%d iterations, %d evaluations, %.0f ms per iteration), total %d ms, peak heap %.0f MB%n",
                    r.fit().observations(), r.fit().groups(), r.partitions(), r.reductionMillis(), r.fitMillis(),
                    iterations, r.evaluations(), iterations == 0 ? 0.0 : r.fitMillis() / (double) iterations, total,
                    peakHeapMegabytes());
            FitContext context = FitContext.of(formula, data == null ? "simulated " + simulate : data, r.model());
            if (format.equals("json")) {
                out.println(FitJson.toJson(r.fit(), context));
            } else {
                out.print(FitText.format(r.fit(), context));
            }
            if (blupsOut != null) {
                r.blups().write().mode("overwrite").parquet(blupsOut);
            }
            out.flush();
            if (out.checkError()) {
                throw new IllegalStateException("the output could not be written");
            }
            return 0;
        } finally {
            if (ours) {
                spark.stop(); // a session the caller made is the caller's to stop
            }
        }
    }

    private Dataset<Row> read(SparkSession spark) {
        if (simulate != null) {
            String[] parts = simulate.toLowerCase(Locale.ROOT).split("x");
            try {
                return SparkSimulation.randomSlopes(spark, Long.parseLong(parts[0].trim()),
                        Integer.parseInt(parts[1].trim()), seed);
            } catch (RuntimeException ex) {
                throw new InputException("--simulate wants SUBJECTSxOCCASIONS, e.g. 100000x10, not \"" + simulate + "\"");
            }
        }
        String kind = source != null ? source : data.endsWith(".parquet") ? "parquet" : data.endsWith(".json") ? "json"
                : "csv";
        try {
            return switch (kind) {
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(data);
                case "parquet" -> spark.read().parquet(data);
                case "json" -> spark.read().json(data);
                case "table" -> spark.table(data);
                default -> throw new InputException("--source must be csv, parquet, json or table, not \"" + kind + "\"");
            };
        } catch (InputException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new InputException("--data " + data + ": Spark cannot read it (" + firstLine(ex.getMessage()) + ")");
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** The sum of the heap pools' peak usage since the JVM started (driver and, in local mode, executors). */
    static double peakHeapMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / 1e6;
    }
}
