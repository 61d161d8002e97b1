package org.lmm4j.app.bench;

import jakarta.inject.Inject;
import java.io.IOException;
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
 * Then, unless {@code --cold-repeats 0}, the whole process a user waits for: the same data written to a
 * file and {@code lmm4j fit --format json} run on it as a child process, beside the warm fit, and
 * with {@code --compare-command} (or {@code --compare-lme4}) another program on the same file,
 * alternating (see {@link ColdRunner}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the estimators on simulated random intercept and slope data (Sigma scalar, Omega free, ML).")
public final class BenchCommand implements Callable<Integer> {

    /** lme4's whole process (read.csv, lmer with ML), shipped as a resource; see {@code --compare-lme4}. */
    static final String LME4_SCRIPT = "/bench/lme4-fit.R";

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

    @Option(names = "--cold-repeats", defaultValue = "3", paramLabel = "N",
            description = "whole-process runs of 'lmm4j fit --format json' per size and estimator, on the simulated "
                    + "data written to a file, reported beside the warm fit (median); 0 skips them (default ${DEFAULT-VALUE})")
    int coldRepeats;

    @Option(names = "--compare-command", paramLabel = "COMMAND",
            description = "also time this command on the same file, alternating with lmm4j's runs, e.g. "
                    + "\"Rscript fit.R {file}\" ({file} is replaced by the file; run by sh -c)")
    String compareCommand;

    @Option(names = "--compare-lme4", description = "compare with lme4's whole process: Rscript with the bundled script "
            + "bench/lme4-fit.R (read.csv, then lmer with REML = FALSE); needs R and lme4")
    boolean compareLme4;

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
        String compare = compareCommand();
        if (coldRepeats < 0) {
            throw new InputException("--cold-repeats must be 0 or more, got " + coldRepeats);
        }
        if (compare != null && coldRepeats == 0) {
            throw new InputException("--compare-command and --compare-lme4 need --cold-repeats of at least 1");
        }
        List<BenchRow> rows = runner.run(spec, sizes, chosen, warmup, repeats, progress);
        List<ColdRow> cold = List.of();
        if (coldRepeats > 0) {
            cold = new ColdRunner(ColdRunner.lmm4jCommand(), compare).run(spec, sizes,
                    chosen.stream().map(Estimator::name).toList(), coldRepeats, progress);
        }
        BenchReport report = new BenchReport(spec, warmup, repeats, rows, cold,
                compareLme4 ? "Rscript lme4-fit.R {file}" : compare);
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

    /** The compare command: --compare-command, or with --compare-lme4 Rscript on the bundled script (copied to a temporary file). */
    private String compareCommand() {
        if (compareLme4 && compareCommand != null) {
            throw new InputException("give --compare-command or --compare-lme4, not both");
        }
        if (compareCommand != null && compareCommand.isBlank()) {
            throw new InputException("--compare-command is empty");
        }
        if (!compareLme4) {
            return compareCommand;
        }
        try (java.io.InputStream in = BenchCommand.class.getResourceAsStream(LME4_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the bundled resource " + LME4_SCRIPT + " is missing from the build");
            }
            Path script = java.nio.file.Files.createTempFile("lmm4j-lme4-fit", ".R");
            script.toFile().deleteOnExit();
            java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return "Rscript " + ColdRunner.quote(script) + " " + ColdRunner.FILE;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + LME4_SCRIPT + ": " + e.getMessage(), e);
        }
    }
}
