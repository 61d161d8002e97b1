package org.lmm4j.app.bench;

import jakarta.inject.Inject;
import java.io.PrintStream;
import org.lmm4j.app.output.ProgressBar;
import org.lmm4j.app.output.WriteFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.app.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lmm4j bench}: for each size and estimator, simulate the random intercept and slope model
 * (untimed), fit it with Σ = σ²I, Ω free and ML W times to warm up and R times timed, and report the
 * median wall time, iterations, −2 log L, status, peak heap and rows per second (see
 * {@link BenchRunner}), as a text table or JSON, optionally with a log–log PNG plot of time against rows.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the estimators on simulated random intercept and slope data (Sigma scalar, Omega free, ML).")
public final class BenchCommand implements Callable<Integer> {

    /** Sizes (subjects) used when --subjects is absent. */
    static final List<Integer> DEFAULT_SIZES = List.of(1_000, 10_000, 100_000);

    @Option(names = "--subjects", split = ",", description = "numbers of subjects, comma-separated (default 1000,10000,100000)")
    List<Integer> subjects;

    @Option(names = "--occasions", defaultValue = "10", description = "occasions per subject (default ${DEFAULT-VALUE})")
    int occasions;

    @Option(names = "--estimators", split = ",", description = "estimators to time, comma-separated (default: all discovered)")
    List<String> estimators;

    @Option(names = "--repeats", defaultValue = "5", description = "timed fits per cell, after the warm-up (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed warm-up fits per cell (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "simulation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--missing", defaultValue = "0", description = "share of occasions missing at random (default ${DEFAULT-VALUE})")
    double missing;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--plot", description = "write a log-log PNG plot of median time against rows to this file")
    Path plot;

    @Option(names = "--no-progress", description = "do not draw the progress bar on standard error")
    boolean noProgress;

    private final Plugins plugins;
    private final PrintStream out;
    private final PrintStream err;

    @Inject
    public BenchCommand(Plugins plugins) {
        this(plugins, System.out, System.err);
    }

    BenchCommand(Plugins plugins, PrintStream out, PrintStream err) {
        this.plugins = plugins;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!"text".equals(format) && !"json".equals(format)) {
            throw new InputException("--format must be text or json, got '" + format + "'");
        }
        List<Integer> sizes = subjects == null || subjects.isEmpty() ? DEFAULT_SIZES : subjects;
        List<Estimator> chosen = new ArrayList<>();
        if (estimators == null || estimators.isEmpty()) {
            chosen.addAll(plugins.estimators().values());
        } else {
            for (String name : estimators) {
                chosen.add(plugins.estimator(name.trim()));
            }
        }
        if (chosen.isEmpty()) {
            throw new InputException("no estimator found on the class path");
        }
        SimulationSpec spec = SimulationSpec.of(1, occasions).withSeed(seed).withMissing(missing);
        for (int n : sizes) {
            spec.withSubjects(n); // validates every size before the long run starts
        }
        BenchRunner runner = new BenchRunner(plugins.structure("scalar"), plugins.structure("free"),
                FitOptions.defaults());
        BenchRunner.Progress progress = noProgress ? (d, t, l) -> { } : new ProgressBar(new java.io.PrintWriter(err, true), "bench")::step;
        List<BenchRow> rows = runner.run(spec, sizes, chosen, warmup, repeats, progress);
        BenchReport report = new BenchReport(spec, warmup, repeats, rows);
        out.print("json".equals(format) ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        if (out.checkError()) { // a PrintStream swallows the failure of a full disk or a closed pipe
            throw new WriteFailure("standard output", new java.io.IOException("write error"));
        }
        if (plot != null) {
            BenchPlot.writePng(rows, plot);
            err.println("wrote " + plot);
        }
        return 0;
    }
}
