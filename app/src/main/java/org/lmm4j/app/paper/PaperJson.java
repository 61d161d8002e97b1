package org.lmm4j.app.paper;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lmm4j.app.output.FitJson;

/**
 * The paper's analysis as the JSON object of docs/DESIGN.md §3 ({@code paper --format json}): {@code table1}
 * (twelve {mean, sigma, deviance, parameters, status}; deviance a number or "-Infinity"),
 * {@code table2} {variances, correlations}, {@code sigma2FreeScalar}, {@code sigma2RandomGender}
 * and {@code figures} (the paths written); besides them each cell's estimators and agreement, the
 * random/free cell's {@code constrainedValue} and note, {@code agreement}, the fixed effects, Ω̂ and
 * the BLUPs of the gender/random model, and the report's path.
 */
public final class PaperJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PaperJson() {
    }

    /** The JSON tree of the results and the files written. */
    public static ObjectNode toNode(PaperResults r, List<Path> figures, Path report) {
        ObjectNode o = FitJson.object();
        ArrayNode table1 = o.putArray("table1");
        for (Table1Cell c : r.cells()) {
            table1.add(cell(c));
        }
        ObjectNode t2 = o.putObject("table2");
        t2.set("ages", FitJson.strings(r.table2().occasions()));
        t2.set("variances", FitJson.vector(r.table2().variances()));
        t2.set("correlations", FitJson.matrix(r.table2().correlations()));
        FitJson.number(o, "sigma2FreeScalar", r.sigma2FreeScalar());
        FitJson.number(o, "sigma2RandomGender", r.sigma2RandomGender());
        ArrayNode figs = o.putArray("figures");
        figures.forEach(p -> figs.add(p.toString()));
        o.put("report", report == null ? null : report.toString());

        ObjectNode agreement = o.putObject("agreement");
        agreement.set("estimators", FitJson.strings(r.estimators()));
        agreement.put("allAgree", r.allAgree());
        agreement.put("tolerance", Table1Cell.AGREEMENT_TOLERANCE);
        ArrayNode dis = agreement.putArray("disagreements");
        for (Table1Cell c : r.cells()) {
            if (!c.agree()) {
                ObjectNode d = dis.addObject();
                d.put("mean", c.mean().label());
                d.put("sigma", c.sigma().label());
                d.put("detail", c.disagreement());
            }
        }
        ObjectNode fixed = o.putObject("fixedEffects");
        fixed.set("genderFree", FitJson.named(r.fixedGenderFree()));
        fixed.set("genderRandom", FitJson.named(r.fixedGenderRandom()));
        o.set("omegaRandomGender", FitJson.matrix(r.omegaRandomGender()));
        ObjectNode blups = o.putObject("blups");
        for (Map.Entry<String, double[]> e : r.blups().entrySet()) {
            blups.set(e.getKey(), FitJson.named(r.randomNames(), e.getValue()));
        }
        return o;
    }

    private static ObjectNode cell(Table1Cell c) {
        ObjectNode n = NODES.objectNode();
        n.put("mean", c.mean().label());
        n.put("sigma", c.sigma().label());
        FitJson.number(n, "deviance", c.deviance());
        n.put("parameters", c.parameters());
        n.put("status", c.status().name());
        n.put("formula", c.formula());
        n.put("agree", c.agree());
        if (c.confounded()) {
            FitJson.number(n, "constrainedValue", c.constrainedDeviance());
            n.put("note", PaperTables.footnote(c));
        }
        ObjectNode est = n.putObject("estimators");
        for (EstimatorOutcome e : c.outcomes()) {
            est.set(e.estimator(), outcome(e));
        }
        if (!c.unconstrained().isEmpty()) {
            ObjectNode un = n.putObject("unconstrained");
            for (EstimatorOutcome e : c.unconstrained()) {
                un.set(e.estimator(), outcome(e));
            }
        }
        return n;
    }

    private static ObjectNode outcome(EstimatorOutcome e) {
        ObjectNode n = NODES.objectNode();
        n.put("status", e.status().name());
        FitJson.number(n, "deviance", e.deviance());
        if (!e.reason().isEmpty()) {
            n.put("reason", e.reason());
        }
        if (e.fit() != null) {
            n.put("iterations", e.fit().iterations());
            n.put("elapsedMillis", e.fit().elapsedMillis());
        }
        return n;
    }
}
