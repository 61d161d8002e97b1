package org.lmm4j.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.InputException;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.Numbers;
import org.lmm4j.data.DataTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j compare}: every discovered estimator (or those of --estimators) on the same model, one
 * row each with status, deviance, −2 log L, iterations, deviance evaluations and wall time, then the
 * largest disagreement in deviance and in β̂ among the estimators that converged.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Fit the same model with every estimator and compare the answers.",
            "Without --data, uses the bundled dental data and the paper's mixed gender model."},
        footer = {"", "Examples:",
            "  lmm4j compare",
            "  lmm4j compare --estimators newton,em",
            "  lmm4j compare --formula \"distance ~ Sex*age\" --residual free --time age \\",
            "                --group Subject --format json"})
public final class CompareCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options;

    @Option(names = "--estimators", paramLabel = "NAME", split = ",",
            description = "Compare only these estimators (comma-separated). Default: all of them.")
    List<String> only;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    CompareCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() {
        if (options.estimatorGiven()) {
            throw new InputException("compare runs every estimator; choose some with --estimators a,b instead of --estimator");
        }
        List<Estimator> estimators = new ArrayList<>();
        if (only == null || only.isEmpty()) {
            estimators.addAll(plugins.estimators().values());
        } else {
            for (String name : only) {
                estimators.add(plugins.estimator(name.trim()));
            }
        }
        DataTable table = options.table();
        MixedModel model = options.model(table, plugins);
        EstimatorComparison c = EstimatorComparison.run(model, estimators, options.fitOptions());
        PrintWriter out = spec.commandLine().getOut();
        if (options.format() == OutputFormat.json) {
            out.println(FitJson.write(json(c, table.source())));
        } else {
            out.print(text(c, table.source()));
        }
        out.flush();
        boolean allConverged = c.rows().stream().allMatch(r -> r.status() == FitStatus.CONVERGED);
        return options.strict() && !allConverged ? Lmm4jCommand.EXIT_NOT_CONVERGED : 0;
    }

    private String text(EstimatorComparison c, String source) {
        MixedModel m = c.model();
        StringBuilder s = new StringBuilder();
        s.append("Formula: ").append(options.formula()).append('\n');
        s.append("   Data: ").append(source).append(" (").append(m.data().observations()).append(" observations, ")
                .append(m.data().groupCount()).append(" groups)\n");
        s.append("  Model: ").append(m.method()).append(", Σ ").append(m.residual().name())
                .append(m.randomEffects() == null ? "" : ", Ω " + m.randomEffects().name()).append("\n\n");
        int w = "estimator".length();
        for (EstimatorComparison.Row r : c.rows()) {
            w = Math.max(w, r.estimator().length());
        }
        String fmt = "%-" + (w + 2) + "s%-15s%14s%14s%12s%9s%13s%12s  %s%n";
        s.append(String.format(fmt, "estimator", "status", "deviance", "-2 logLik", "iterations", "finish",
                "evaluations", "time (ms)", "reason"));
        for (EstimatorComparison.Row row : c.rows()) {
            FitResult r = row.result();
            s.append(String.format(fmt, row.estimator(), row.status(),
                    r == null ? "-" : Numbers.fixed(r.criterion(), 6),
                    r == null ? "-" : Numbers.fixed(r.minus2LogLik(), 6),
                    r == null ? "-" : Integer.toString(r.iterations()),
                    r == null ? "-" : Integer.toString(r.finishIterations()),
                    r == null ? "-" : Long.toString(r.evaluations()),
                    Numbers.fixed(r == null ? row.wallMillis() : r.elapsedMillis(), 1),
                    row.reason() == null ? "" : row.reason()));
        }
        s.append("(iterations: the estimator's own; finish: Newton steps after it, --finish none to leave them out)\n\n");
        int n = c.converged().size();
        if (n < 2) {
            s.append("Fewer than two estimators converged (").append(n).append("): no disagreement to report.\n");
        } else {
            s.append("Largest disagreement among the ").append(n).append(" converged estimators: deviance ")
                    .append(Numbers.significant(c.maxDevianceDifference(), 3)).append(", β ")
                    .append(Numbers.significant(c.maxBetaDifference(), 3)).append(" (max absolute difference)\n");
        }
        return s.toString();
    }

    private ObjectNode json(EstimatorComparison c, String source) {
        MixedModel m = c.model();
        ObjectNode o = FitJson.object();
        o.put("formula", options.formula());
        o.put("data", source);
        o.put("method", m.method().name());
        o.put("residual", m.residual().name());
        if (m.randomEffects() == null) {
            o.putNull("randomEffects");
        } else {
            o.put("randomEffects", m.randomEffects().name());
        }
        o.put("observations", m.data().observations());
        o.put("groups", m.data().groupCount());
        ArrayNode rows = o.putArray("estimators");
        for (EstimatorComparison.Row row : c.rows()) {
            ObjectNode j = rows.addObject();
            FitResult r = row.result();
            j.put("estimator", row.estimator());
            j.put("status", row.status().name());
            j.put("reason", row.reason() == null ? "" : row.reason());
            if (r == null) {
                j.putNull("deviance");
                j.putNull("minus2LogLik");
                j.putNull("iterations");
                j.putNull("finishIterations");
                j.putNull("evaluations");
                FitJson.number(j, "elapsedMillis", row.wallMillis());
                j.putNull("fixedEffects");
            } else {
                FitJson.number(j, "deviance", r.criterion());
                FitJson.number(j, "minus2LogLik", r.minus2LogLik());
                j.put("iterations", r.iterations());
                j.put("finishIterations", r.finishIterations());
                j.put("evaluations", r.evaluations());
                FitJson.number(j, "elapsedMillis", r.elapsedMillis());
                j.set("fixedEffects", FitJson.named(r.fixedNames(), r.fixedEffects()));
            }
        }
        o.put("converged", c.converged().size());
        nullableNumber(o, "maxDevianceDifference", c.maxDevianceDifference());
        nullableNumber(o, "maxBetaDifference", c.maxBetaDifference());
        return o;
    }

    private static void nullableNumber(ObjectNode o, String key, double x) {
        if (Double.isNaN(x)) {
            o.putNull(key);
        } else {
            FitJson.number(o, key, x);
        }
    }
}
