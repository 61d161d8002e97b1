package org.lmm4j.app.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.inference.FixedEffectTest;

/**
 * A {@link FitResult} as the JSON object of docs/DESIGN.md §3 ({@code fit --format json}): status, method,
 * estimator, deviance (the paper's Δ), logLik, aic, bic, parameters, observations, groups,
 * iterations, evaluations, elapsedMillis, fixedEffects, standardErrors, sigma, omega,
 * randomEffects, singular, warnings; and besides them minus2LogLik, reason, droppedRows, notes,
 * occasionLabels, trace and provenance. A non-finite number is written as a string ("-Infinity",
 * "Infinity", "NaN") so the output is always valid JSON.
 */
public final class FitJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FitJson() {
    }

    /** The fit as pretty-printed JSON text (no trailing newline). */
    public static String toJson(FitResult r, FitContext context) {
        return write(toNode(r, context));
    }

    /** Pretty-prints any node built with {@link #toNode} or the helpers of this class. */
    public static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh empty object node, for callers composing larger documents (compare, paper, bench). */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The fit as pretty-printed JSON text with {@code fixedEffectTests} (DESIGN §3), no trailing newline. */
    public static String toJson(FitResult r, FitContext context, List<FixedEffectTest> tests) {
        ObjectNode o = toNode(r, context);
        ObjectNode t = NODES.objectNode();
        for (FixedEffectTest test : tests) {
            ObjectNode row = NODES.objectNode();
            number(row, "estimate", test.estimate());
            number(row, "se", test.se());
            number(row, "df", test.df());
            number(row, "t", test.t());
            number(row, "p", test.p());
            t.set(test.name(), row);
        }
        o.set("fixedEffectTests", t);
        return write(o);
    }

    /** The fit as a JSON tree. */
    public static ObjectNode toNode(FitResult r, FitContext context) {
        FitContext c = context == null ? new FitContext(null, null, null, 0, List.of()) : context;
        ObjectNode o = NODES.objectNode();
        o.put("status", r.status().name());
        o.put("reason", r.reason());
        o.put("method", r.method().name());
        o.put("estimator", r.estimator());
        if (c.formula() != null) {
            o.put("formula", c.formula());
        }
        if (c.data() != null) {
            o.put("data", c.data());
        }
        number(o, "deviance", r.criterion());
        number(o, "minus2LogLik", r.minus2LogLik());
        number(o, "logLik", r.logLik());
        number(o, "aic", r.aic());
        number(o, "bic", r.bic());
        o.put("parameters", r.parameters());
        o.put("observations", r.observations());
        o.put("groups", r.groups());
        o.put("droppedRows", c.droppedRows());
        o.put("iterations", r.iterations());
        o.put("finishIterations", r.finishIterations());
        o.put("evaluations", r.evaluations());
        number(o, "elapsedMillis", r.elapsedMillis());
        o.set("fixedEffects", named(r.fixedNames(), r.fixedEffects()));
        o.set("standardErrors", named(r.fixedNames(), r.standardErrors()));
        o.set("occasionLabels", strings(r.occasionLabels()));
        // a scalar Σ = σ²I is reported as the 1×1 [[σ²]] (docs/DESIGN.md §3: "T×T or 1×1")
        boolean scalar = "scalar".equals(r.provenance().get("residual")) && r.sigma().length > 0;
        o.set("sigma", matrix(scalar ? new double[][] {{r.sigma()[0][0]}} : r.sigma()));
        if (r.omega() == null) {
            o.putNull("omega");
        } else {
            o.set("omega", matrix(r.omega()));
        }
        ObjectNode re = NODES.objectNode();
        double[][] b = r.randomEffects();
        if (b != null) {
            for (int i = 0; i < b.length && i < r.groupIds().size(); i++) {
                re.set(r.groupIds().get(i), named(r.randomNames(), b[i]));
            }
        }
        o.set("randomEffects", re);
        o.put("singular", r.singular());
        o.set("warnings", strings(r.warnings()));
        o.set("notes", strings(c.notes()));
        ArrayNode trace = NODES.arrayNode();
        for (IterationRecord t : r.trace()) {
            ObjectNode row = NODES.objectNode();
            row.put("iteration", t.iteration());
            number(row, "criterion", t.criterion());
            number(row, "gradientNorm", t.gradientNorm());
            row.put("phase", t.phase());
            trace.add(row);
        }
        o.set("trace", trace);
        ObjectNode prov = NODES.objectNode();
        new TreeMap<>(r.provenance()).forEach(prov::put);
        o.set("provenance", prov);
        return o;
    }

    /** Puts {@code x} as a number, or as its string spelling when it is not finite. */
    public static void number(ObjectNode o, String key, double x) {
        if (Double.isFinite(x)) {
            o.put(key, x);
        } else {
            o.put(key, Numbers.jsonNonFinite(x));
        }
    }

    /** Adds {@code x} to an array as a number, or as its string spelling when it is not finite. */
    public static void add(ArrayNode a, double x) {
        if (Double.isFinite(x)) {
            a.add(x);
        } else {
            a.add(Numbers.jsonNonFinite(x));
        }
    }

    /** A vector as an array. */
    public static ArrayNode vector(double[] v) {
        ArrayNode a = NODES.arrayNode();
        for (double x : v) {
            add(a, x);
        }
        return a;
    }

    /** A matrix as an array of row arrays. */
    public static ArrayNode matrix(double[][] m) {
        ArrayNode a = NODES.arrayNode();
        for (double[] row : m) {
            a.add(vector(row));
        }
        return a;
    }

    /** {name: value} in the order of the names. */
    public static ObjectNode named(List<String> names, double[] values) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < names.size() && i < values.length; i++) {
            number(o, names.get(i), values[i]);
        }
        return o;
    }

    /** {name: value} for a map, in its iteration order. */
    public static ObjectNode named(Map<String, Double> values) {
        ObjectNode o = NODES.objectNode();
        values.forEach((k, v) -> number(o, k, v));
        return o;
    }

    /** A list of strings as an array. */
    public static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
