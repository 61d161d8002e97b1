package org.lmm4j.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.output.FitContext;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.FitText;
import org.lmm4j.app.output.PhaseProgress;
import org.lmm4j.app.timing.PhaseClock;
import org.lmm4j.app.timing.Phases;
import org.lmm4j.data.DataTable;
import org.lmm4j.inference.FixedEffectTest;
import org.lmm4j.inference.Satterthwaite;
import org.lmm4j.optimise.Fitting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j fit}: fits one model with one estimator and prints the summary (text, in the spirit of
 * lme4's {@code summary()}, with lmerTest's Satterthwaite df and p for the fixed effects) or the JSON object of
 * docs/DESIGN.md §3 (with {@code fixedEffectTests}). Reading, compiling and fitting that take long show their
 * progress on standard error ({@link PhaseProgress}). It times its phases (start-up, read, compile, fit, output;
 * {@link PhaseClock}): {@code --verbose} logs them, and the JSON carries them as {@code provenance.phases}.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fit a linear mixed model and print its summary.",
            "Without --data, fits the bundled dental data (Potthoff & Roy) with the paper's mixed gender model."},
        footer = {"", "Examples:",
            "  lmm4j fit",
            "  lmm4j fit --formula \"distance ~ Sex*age\" --residual free --time age \\",
            "            --group Subject",
            "  lmm4j fit --data my.csv --formula \"y ~ t + (t | subj)\" --method REML \\",
            "            --estimator em --format json"})
public final class FitCommand implements Callable<Integer> {

    /** The last phase: building and writing the report. */
    static final String OUTPUT = "output";

    private static final Logger LOG = LoggerFactory.getLogger(FitCommand.class);

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    /** How the fixed effects' t tests get their denominator degrees of freedom. */
    enum Ddf { satterthwaite, none }

    @Option(names = "--ddf", paramLabel = "satterthwaite|none", defaultValue = "satterthwaite",
            description = "Denominator degrees of freedom of the fixed effects' t tests: satterthwaite (as lmerTest), "
                    + "or none (estimates, standard errors and t only). Default: ${DEFAULT-VALUE}.")
    Ddf ddf;

    private final Plugins plugins;
    private final Prewarm prewarm;
    private final EarlyRead early;

    @Inject
    FitCommand(Plugins plugins, Prewarm prewarm, EarlyRead early) {
        this.plugins = plugins;
        this.prewarm = prewarm;
        this.early = early;
    }

    @Override
    public Integer call() throws IOException {
        PhaseClock clock = PhaseClock.sinceProcessStart();
        DataTable table;
        MixedModel model;
        Fitting.Fitted fitted;
        try (PhaseProgress progress = new PhaseProgress(spec.commandLine().getErr(), "lmm4j fit")) {
            LoadedModel loaded = LoadedModel.load(options, plugins, progress, clock, early, prewarm::startLibraries);
            table = loaded.table();
            model = loaded.model();
            progress.phase("fitting");
            prewarm.awaitNumerics();
            fitted = Fitting.fitted(plugins.estimator(options.estimatorName()), model,
                    progress.reporting(options.fitOptions()));
        }
        FitResult result = fitted.result();
        clock.end("fit");
        prewarm.awaitOutput();
        FitContext context = FitContext.of(options.formula(), table.source(), model);
        List<FixedEffectTest> tests = ddf == Ddf.none || result.status() == FitStatus.UNBOUNDED
                || result.status() == FitStatus.FAILED ? null
                : fitted.criterion() != null ? Satterthwaite.tests(fitted.criterion(), result)
                : Satterthwaite.tests(model, result);
        PrintWriter out = spec.commandLine().getOut();
        Phases phases;
        if (options.format() == OutputFormat.json) {
            ObjectNode node = FitJson.toNode(result, context);
            if (tests != null) {
                FitJson.addTests(node, tests);
            }
            FitJson.addPhases(node, () -> clock.finish(OUTPUT));
            FitJson.write(node, out);
            out.println();
            phases = clock.finish(OUTPUT);
        } else {
            out.print(FitText.format(result, context, tests));
            out.flush();
            phases = clock.finish(OUTPUT);
        }
        out.flush();
        LOG.debug("phases: {}", phases.text());
        return options.strict() && result.status() != FitStatus.CONVERGED ? Lmm4jCommand.EXIT_NOT_CONVERGED : 0;
    }
}
