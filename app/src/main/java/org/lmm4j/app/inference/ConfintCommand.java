package org.lmm4j.app.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.InputException;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.OutputFormat;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.Numbers;
import org.lmm4j.app.output.ProgressBar;
import org.lmm4j.inference.FittedModel;
import org.lmm4j.inference.Interval;
import org.lmm4j.inference.ParametricBootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j confint}: confidence intervals as lme4's {@code confint}: profile likelihood (default, ML, every
 * parameter on the standard-deviation and correlation scale), Wald ({@code --wald}, fixed effects), or the
 * parametric bootstrap ({@code --bootstrap N --seed S}, percentile intervals of every parameter, refits in
 * parallel with a progress bar on standard error).
 */
@Command(name = "confint", mixinStandardHelpOptions = true,
        description = {"Confidence intervals: profile likelihood (default), Wald, or parametric bootstrap."},
        footer = {"", "Examples:",
            "  lmm4j confint --data sleepstudy.csv --formula \"Reaction ~ Days + (Days | Subject)\"",
            "  lmm4j confint ... --wald",
            "  lmm4j confint ... --bootstrap 1000 --seed 1 --format json",
            "  lmm4j confint ... --plot profile.png"})
public final class ConfintCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--level", paramLabel = "L", defaultValue = "0.95",
            description = "Confidence level. Default: ${DEFAULT-VALUE}.")
    double level;

    @Option(names = "--wald", description = "Wald intervals of the fixed effects (β̂ ± z se) instead of the profile.")
    boolean wald;

    @Option(names = "--bootstrap", paramLabel = "N", description = "Parametric bootstrap with N refits: percentile intervals.")
    Integer bootstrap;

    @Option(names = "--bias-corrected", description = "With --bootstrap: bias-corrected percentile intervals "
            + "(Efron's BC: quantiles at Φ(2z₀ ± z), z₀ from the share of refits below the estimate) instead of plain ones.")
    boolean biasCorrected;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the bootstrap. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads for the bootstrap refits. Default: every core.")
    Integer threads;

    @Option(names = "--plot", paramLabel = "FILE.png|FILE.svg",
            description = "Write the profile traces ζ(v) behind the profile intervals (PNG or SVG by the file's extension).")
    Path plot;

    private final Plugins plugins;

    @Inject
    ConfintCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() throws Exception {
        if (wald && bootstrap != null) {
            throw new InputException("--wald and --bootstrap are two methods: give one of them");
        }
        if (biasCorrected && bootstrap == null) {
            throw new InputException("--bias-corrected corrects bootstrap intervals: give --bootstrap N with it");
        }
        FittedModel m = Inference.fit(options, plugins);
        PrintWriter err = spec.commandLine().getErr();
        String method;
        List<Interval> intervals;
        ParametricBootstrap.Result boot = null;
        if (wald) {
            method = "wald";
            intervals = m.wald(level);
        } else if (bootstrap != null) {
            method = "bootstrap";
            int n = bootstrap;
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            ProgressBar bar = new ProgressBar(err, "bootstrap");
            boot = m.bootstrap(n, seed, level, t, k -> bar.step(k, n, k + " refits"));
            intervals = biasCorrected ? boot.biasCorrected() : boot.intervals();
        } else {
            method = "profile";
            intervals = m.confint(level);
        }
        if (plot != null) {
            if (!method.equals("profile")) {
                throw new InputException("--plot draws the profile traces: use it without --wald and --bootstrap");
            }
            DiagnosticPlots.write(DiagnosticPlots.profiles(intervals), plot);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.format() == OutputFormat.json) {
            out.println(FitJson.write(json(method, intervals, boot, m)));
        } else {
            out.print(text(method, intervals, boot, m));
        }
        out.flush();
        return 0;
    }

    private ObjectNode json(String method, List<Interval> intervals, ParametricBootstrap.Result boot, FittedModel m) {
        ObjectNode o = FitJson.object();
        o.put("method", method);
        o.put("level", level);
        o.put("fitMethod", method.equals("profile") ? "ML" : m.result().method().name());
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (int j = 0; j < intervals.size(); j++) {
            Interval ci = intervals.get(j);
            ObjectNode r = rows.addObject();
            r.put("parameter", ci.parameter());
            FitJson.number(r, "estimate", ci.estimate());
            FitJson.number(r, "lower", ci.lower());
            FitJson.number(r, "upper", ci.upper());
            if (boot != null && !biasCorrected) {
                FitJson.number(r, "lowerMonteCarloError", boot.monteCarloError().get(j)[0]);
                FitJson.number(r, "upperMonteCarloError", boot.monteCarloError().get(j)[1]);
            }
        }
        o.set("intervals", rows);
        if (boot != null) {
            o.put("biasCorrected", biasCorrected);
            o.put("replicates", boot.samples().length + boot.failed());
            o.put("failed", boot.failed());
            o.put("threads", boot.threads());
            ArrayNode workers = o.putArray("refitsPerWorker");
            boot.perWorker().forEach(workers::add);
            o.put("seed", seed);
            FitJson.number(o, "elapsedMillis", boot.elapsedNanos() / 1e6);
        }
        return o;
    }

    private String text(String method, List<Interval> intervals, ParametricBootstrap.Result boot, FittedModel m) {
        StringBuilder s = new StringBuilder();
        String what = switch (method) {
            case "wald" -> "Wald intervals (β̂ ± z se), " + m.result().method() + " fit";
            case "bootstrap" -> "Parametric bootstrap " + (biasCorrected ? "bias-corrected " : "") + "percentile intervals, "
                    + m.result().method() + " fit";
            default -> "Profile-likelihood intervals (ML" + (m.result().method().name().equals("REML")
                    ? "; the REML fit was refitted by ML)" : ")");
        };
        s.append(what).append(", level ").append(level).append('\n');
        int w = 10;
        for (Interval ci : intervals) {
            w = Math.max(w, ci.parameter().length() + 2);
        }
        String lo = Numbers.fixed(100 * (1 - level) / 2, 1) + " %";
        String hi = Numbers.fixed(100 * (1 + level) / 2, 1) + " %";
        boolean errors = boot != null && !biasCorrected;
        s.append(String.format("%-" + w + "s%14s%14s%14s", "", "estimate", lo, hi));
        s.append(errors ? String.format("%14s%14s%n", "MC se " + lo, "MC se " + hi) : "\n");
        for (int j = 0; j < intervals.size(); j++) {
            Interval ci = intervals.get(j);
            s.append(String.format("%-" + w + "s%14s%14s%14s", ci.parameter(), Numbers.significant(ci.estimate(), 7),
                    Numbers.significant(ci.lower(), 7), Numbers.significant(ci.upper(), 7)));
            s.append(errors ? String.format("%14s%14s%n", Numbers.significant(boot.monteCarloError().get(j)[0], 2),
                    Numbers.significant(boot.monteCarloError().get(j)[1], 2)) : "\n");
        }
        if (boot != null) {
            s.append(boot.samples().length + boot.failed()).append(" refits (").append(boot.failed())
                    .append(" failed), seed ").append(seed).append(", ").append(boot.threads()).append(" threads (refits per worker ")
                    .append(boot.perWorker().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("/")))
                    .append("), ")
                    .append(Numbers.fixed(boot.elapsedNanos() / 1e9, 2)).append(" s\n");
        }
        return s.toString();
    }
}
