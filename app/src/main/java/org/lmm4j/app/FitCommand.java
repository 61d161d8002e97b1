package org.lmm4j.app;

import com.google.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.output.FitContext;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.FitText;
import org.lmm4j.data.DataTable;
import org.lmm4j.inference.FixedEffectTest;
import org.lmm4j.inference.Satterthwaite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j fit}: fits one model with one estimator and prints the summary (text, in the spirit of
 * lme4's {@code summary()}, with lmerTest's Satterthwaite df and p for the fixed effects) or the JSON object of
 * docs/DESIGN.md §3 (with {@code fixedEffectTests}).
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

    @Inject
    FitCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() {
        DataTable table = options.table();
        MixedModel model = options.model(table, plugins);
        FitResult result = plugins.estimator(options.estimatorName()).fit(model, options.fitOptions());
        FitContext context = FitContext.of(options.formula(), table.source(), model.data());
        List<FixedEffectTest> tests = ddf == Ddf.none || result.status() == FitStatus.UNBOUNDED
                || result.status() == FitStatus.FAILED ? null : Satterthwaite.tests(model, result);
        PrintWriter out = spec.commandLine().getOut();
        if (options.format() == OutputFormat.json) {
            out.println(tests == null ? FitJson.toJson(result, context) : FitJson.toJson(result, context, tests));
        } else {
            out.print(FitText.format(result, context, tests));
        }
        out.flush();
        return options.strict() && result.status() != FitStatus.CONVERGED ? Lmm4jCommand.EXIT_NOT_CONVERGED : 0;
    }
}
