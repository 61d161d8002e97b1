package org.lmm4j.app.paper;

import com.google.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.app.OutputFormat;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j paper}: reproduces de Leeuw's "Mixed Linear Models" on the bundled dental data —
 * Table 1 (every cell fitted by every discovered estimator, or by {@code --estimator}), Table 2, the
 * two σ̂², the BLUPs, Figures 1–3 (PNG and SVG) and {@code report.md} in {@code --out}. Text mode
 * prints the tables; JSON mode prints docs/DESIGN.md §3's paper object. Progress goes to standard error.
 */
@Command(name = "paper", mixinStandardHelpOptions = true,
        description = {"Reproduce the paper: Table 1, Table 2, the residual variances, the BLUPs and Figures 1-3 "
                + "on the dental data, with a report.md that puts them together."},
        footer = {"", "Examples:", "  lmm4j paper", "  lmm4j paper --out results --format json",
            "  lmm4j paper --estimator newton"})
public final class PaperCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "paper-output", paramLabel = "DIR",
            description = "Folder for the figures and report.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (tables) or json (docs/DESIGN.md §3's paper object); default ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = "--estimator", paramLabel = "NAME",
            description = "Fit with this estimator only (default: every discovered estimator, checked for agreement).")
    String estimator;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    public PaperCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() throws IOException {
        List<String> names = estimator == null ? List.of() : List.of(estimator.trim());
        PrintWriter err = spec.commandLine().getErr();
        int estimators = names.isEmpty() ? plugins.estimators().size() : 1;
        ProgressBar bar = new ProgressBar(err, "fitting 12 models × " + estimators
                + (estimators == 1 ? " estimator:" : " estimators:"));
        PaperResults results = new PaperAnalysis(plugins, BundledData.dental()).run(names, bar::step);
        Files.createDirectories(out);
        List<Path> figures = PaperFigures.write(results, out);
        Path report = PaperReport.write(results, figures, out);
        PrintWriter stdout = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            stdout.println(FitJson.write(PaperJson.toNode(results, figures, report)));
        } else {
            stdout.print(text(results, figures, report));
        }
        stdout.flush();
        return 0;
    }

    /** The text report: Table 1 and its footnote, Table 2, the two σ̂², the agreement and the files written. */
    static String text(PaperResults r, List<Path> figures, Path report) {
        StringBuilder s = new StringBuilder();
        for (String l : PaperTables.table1Text(r)) {
            s.append(l).append('\n');
        }
        for (String f : PaperTables.footnotes(r)) {
            s.append('\n').append(f).append('\n');
        }
        s.append('\n');
        for (String l : PaperTables.table2Text(r.table2())) {
            s.append(l).append('\n');
        }
        s.append('\n');
        for (String l : PaperTables.variances(r)) {
            s.append(l).append('\n');
        }
        s.append('\n');
        for (String l : PaperTables.agreement(r)) {
            s.append(l).append('\n');
        }
        s.append('\n').append("Wrote:").append('\n');
        for (Path p : figures) {
            s.append("  ").append(p).append('\n');
        }
        s.append("  ").append(report).append('\n');
        return s.toString();
    }
}
