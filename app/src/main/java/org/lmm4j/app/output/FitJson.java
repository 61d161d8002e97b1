package org.lmm4j.app.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import org.lmm4j.model.NestedTerms;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.app.timing.Phases;
import org.lmm4j.inference.FixedEffectTest;

/**
 * A {@link FitResult} as the JSON object of docs/DESIGN.md §3 ({@code fit --format json}): status, method,
 * estimator, deviance (the paper's Δ), logLik, aic, bic, parameters, observations, groups,
 * iterations, evaluations, elapsedMillis, fixedEffects, standardErrors, sigma, omega,
 * randomEffects, singular, warnings; and besides them minus2LogLik, reason, droppedRows, notes,
 * occasionLabels, trace and provenance (with {@code fit}, provenance ends with {@code phases}: the
 * command's {@code startupMillis}, {@code readMillis}, {@code compileMillis}, {@code fitMillis},
 * {@code outputMillis} and {@code totalMillis}, see {@link #addPhases}). A non-finite number is written as a string ("-Infinity",
 * "Infinity", "NaN") so the output is always valid JSON.
 */
public final class FitJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Doubles written by Jackson's Schubfach writer (the shortest text that reads back to the same double). */
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build())
            .enable(SerializationFeature.INDENT_OUTPUT);

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

    /** Pretty-prints {@code node} to {@code out} (same text as {@link #write(ObjectNode)}), leaving {@code out} open. */
    public static void write(ObjectNode node, Writer out) throws IOException {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            MAPPER.writeTree(g, node);
        }
    }

    /**
     * Adds {@code provenance.phases} to a fit's node as its last entry: each phase's milliseconds as
     * {@code <phase>Millis} and {@code totalMillis}. The phases are asked for only when the writer
     * reaches them, so the last phase (output) covers all that was written before.
     */
    public static void addPhases(ObjectNode fit, Supplier<Phases> phases) {
        ((ObjectNode) fit.get("provenance")).set("phases", NODES.pojoNode(new LatePhases(phases)));
    }

    /** The phases, serialised at the moment the writer reaches them. */
    private record LatePhases(Supplier<Phases> phases) implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
            Phases p = phases.get();
            g.writeStartObject();
            for (Map.Entry<String, Double> e : p.millis().entrySet()) {
                g.writeNumberField(e.getKey() + "Millis", e.getValue());
            }
            g.writeNumberField("totalMillis", p.totalMillis());
            g.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer type) throws IOException {
            serialize(g, provider);
        }
    }

    /**
     * The BLUPs {level: {name: value}} (a padded slot of nested terms, no level, left out), written when the writer
     * reaches them: a 10⁶-row fit has 10⁵ groups, whose tree of objects cost more to build and to collect than to
     * write.
     */
    private record Blups(List<String> ids, List<String> names, double[][] b, NestedTerms layout)
            implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            for (int i = 0; i < b.length && i < ids.size(); i++) {
                g.writeFieldName(ids.get(i));
                g.writeStartObject();
                for (int a = 0; a < names.size() && a < b[i].length; a++) {
                    if (layout != null && layout.isPadding(i, a)) {
                        continue;
                    }
                    double x = b[i][a];
                    if (Double.isFinite(x)) {
                        g.writeNumberField(names.get(a), x);
                    } else {
                        g.writeStringField(names.get(a), Numbers.jsonNonFinite(x));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer type) throws IOException {
            serialize(g, provider);
        }
    }

    /** A fresh empty object node, for callers composing larger documents (compare, paper, bench). */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The fit as pretty-printed JSON text with {@code fixedEffectTests} (DESIGN §3), no trailing newline. */
    public static String toJson(FitResult r, FitContext context, List<FixedEffectTest> tests) {
        ObjectNode o = toNode(r, context);
        addTests(o, tests);
        return write(o);
    }

    /** Adds {@code fixedEffectTests} {name: {estimate, se, df, t, p}} (DESIGN §3) to a fit's JSON tree. */
    public static void addTests(ObjectNode o, List<FixedEffectTest> tests) {
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
        double[][] b = r.randomEffects();
        o.set("randomEffects", NODES.pojoNode(new Blups(r.groupIds(), r.randomNames(), b == null ? new double[0][] : b,
                c.terms() == null ? null : c.terms().layout())));
        if (c.terms() != null && r.omega() != null) {
            o.set("terms", terms(RandomTerms.of(r, c.terms())));
        }
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

    /**
     * Several random terms (docs/DESIGN.md §3): a list, in the formula's order, of {@code group} (lme4's label),
     * {@code grouping} (the factor), {@code structure}, {@code levels}, {@code names}, {@code omega} (q_k × q_k) and
     * {@code randomEffects} {level: {name: value}}.
     */
    private static ArrayNode terms(RandomTerms terms) {
        ArrayNode out = NODES.arrayNode();
        for (RandomTerms.Term t : terms.terms()) {
            ObjectNode n = NODES.objectNode();
            n.put("group", t.label());
            n.put("grouping", t.grouping());
            n.put("structure", t.structure());
            n.put("levels", t.levels());
            n.set("names", strings(t.names()));
            n.set("omega", matrix(t.omega()));
            ObjectNode re = NODES.objectNode();
            t.effects().forEach((level, b) -> re.set(level, named(t.names(), b)));
            n.set("randomEffects", re);
            out.add(n);
        }
        return out;
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
