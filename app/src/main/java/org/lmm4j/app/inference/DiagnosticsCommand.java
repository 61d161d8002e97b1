package org.lmm4j.app.inference;

import com.google.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.FitResult;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.Plugins;
import org.lmm4j.inference.ConditionalVariance;
import org.lmm4j.inference.FittedModel;
import org.lmm4j.inference.Predictions;
import org.lmm4j.inference.WaldIntervals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j diagnostics}: fits the model and writes its diagnostic plots, each as PNG and SVG: residuals against
 * fitted values, a normal QQ plot of the residuals, one of each random effect, and a caterpillar plot of the BLUPs
 * with 95% conditional intervals. ({@code lmm4j confint --plot} draws the profile traces.)
 */
@Command(name = "diagnostics", mixinStandardHelpOptions = true,
        description = {"Diagnostic plots of a fit (PNG and SVG): residuals vs fitted, QQ plots, caterpillar plot."},
        footer = {"", "Example:",
            "  lmm4j diagnostics --data sleepstudy.csv --formula \"Reaction ~ Days + (Days | Subject)\" --out plots"})
public final class DiagnosticsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "diagnostics",
            description = "Directory for the figures (created). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    DiagnosticsCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() throws IOException {
        FittedModel m = Inference.fit(options, plugins);
        FitResult r = m.result();
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        Predictions p = m.fitted();
        written.addAll(both(DiagnosticPlots.residualsAgainstFitted(p), "residuals-fitted"));
        written.addAll(both(DiagnosticPlots.qq("Normal QQ plot of the residuals", List.of("residual"),
                List.of(p.residual())), "qq-residuals"));
        int q = r.randomNames().size();
        if (q > 0) {
            List<double[]> effects = new ArrayList<>();
            double[][][] cond = ConditionalVariance.of(m.model(), r);
            double[][] sd = new double[r.groupIds().size()][q];
            for (int k = 0; k < q; k++) {
                double[] e = new double[r.groupIds().size()];
                for (int i = 0; i < e.length; i++) {
                    e[i] = r.randomEffects()[i][k];
                    sd[i][k] = Math.sqrt(Math.max(cond[i][k][k], 0));
                }
                effects.add(e);
            }
            written.addAll(both(DiagnosticPlots.qq("Normal QQ plots of the random effects (BLUPs)", r.randomNames(),
                    effects), "qq-random-effects"));
            written.addAll(both(DiagnosticPlots.caterpillar(r.groupIds(), r.randomNames(), r.randomEffects(), sd,
                    WaldIntervals.z(0.95)), "caterpillar"));
        }
        PrintWriter w = spec.commandLine().getOut();
        for (Path f : written) {
            w.println(f);
        }
        w.flush();
        return 0;
    }

    private List<Path> both(DiagnosticPlots.Figure f, String name) throws IOException {
        Path png = out.resolve(name + ".png");
        Path svg = out.resolve(name + ".svg");
        DiagnosticPlots.write(f, png);
        DiagnosticPlots.write(f, svg);
        return List.of(png, svg);
    }
}
