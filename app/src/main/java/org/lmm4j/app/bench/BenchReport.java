package org.lmm4j.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The output of {@code lmm4j bench}: the rows as an aligned text table or as one JSON object
 * ({@code benchmark} settings, the machine, and {@code results}, one object per {@link BenchRow});
 * then, when whole processes were timed, a second table, or the JSON's {@code wholeProcess} list
 * (one object per {@link ColdRow}: lmm4j's cold process beside the warm fit, and the compare
 * command's time and the ratio when one was given).
 *
 * @param spec     the simulation spec (its number of subjects varies by row)
 * @param warmups  untimed warm-up fits per row
 * @param repeats  timed fits per row
 * @param rows     the measurements
 * @param cold     the whole-process measurements (empty when none were made)
 * @param compare  the compare command as given, or null
 */
public record BenchReport(SimulationSpec spec, int warmups, int repeats, List<BenchRow> rows, List<ColdRow> cold,
                          String compare) {

    /** A report of warm fits only. */
    public BenchReport(SimulationSpec spec, int warmups, int repeats, List<BenchRow> rows) {
        this(spec, warmups, repeats, rows, List.of(), null);
    }

    /** The model every row fits. */
    public static final String MODEL = "y ~ t + (t | subj), Sigma scalar, Omega free, ML";

    public BenchReport {
        rows = List.copyOf(rows);
        cold = List.copyOf(cold);
    }

    /** An aligned table, one line per row, with a title line naming the model and the settings. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "lmm4j bench: %s; %d occasions, missing %.2f, seed %d; median of %d fits"
                + " (after %d warm-up), %d cores, max heap %d MiB%n", MODEL, spec.occasions(), spec.missing(),
                spec.seed(), repeats, warmups, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20));
        sb.append(String.format(Locale.ROOT, "%-12s %9s %9s %10s %10s %5s %6s %16s %-13s %9s %12s%n", "estimator",
                "subjects", "rows", "median ms", "min ms", "iter", "evals", "-2 log L", "status", "heap MiB",
                "rows/s"));
        for (BenchRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-12s %9d %9d %10.1f %10.1f %5d %6d %16.6f %-13s %9.1f %12.0f%n",
                    r.estimator(), r.subjects(), r.rows(), r.medianMillis(), r.minMillis(), r.iterations(),
                    r.evaluations(), r.minus2LogLik(), r.status(), r.peakHeapBytes() / 1048576.0, r.rowsPerSecond()));
            if (!r.reason().isEmpty() && !"CONVERGED".equals(r.status())) {
                sb.append("    ").append(r.estimator()).append(": ").append(r.reason()).append(System.lineSeparator());
            }
        }
        if (!cold.isEmpty()) {
            sb.append(System.lineSeparator());
            sb.append(String.format(Locale.ROOT, "Whole process (lmm4j fit --format json on the simulated file, median of %d"
                    + " runs%s):%n", cold.get(0).repeats(), compare == null ? "" : ", alternating with: " + compare));
            sb.append(String.format(Locale.ROOT, "  %-12s %9s %9s %10s %10s %10s %10s %10s%s%n", "estimator", "subjects",
                    "rows", "warm ms", "cold ms", "start-up", "read", "compile", compare == null ? ""
                            : String.format(Locale.ROOT, " %12s %7s", "compare ms", "ratio")));
            for (ColdRow c : cold) {
                double warm = rows.stream().filter(r -> r.estimator().equals(c.estimator()) && r.subjects() == c.subjects())
                        .mapToDouble(BenchRow::medianMillis).findFirst().orElse(Double.NaN);
                sb.append(String.format(Locale.ROOT, "  %-12s %9d %9d %10.1f %10.1f %10.1f %10.1f %10.1f%s%n",
                        c.estimator(), c.subjects(), c.rows(), warm, c.medianMillis(),
                        c.phases().getOrDefault("startupMillis", Double.NaN), c.phases().getOrDefault("readMillis", Double.NaN),
                        c.phases().getOrDefault("compileMillis", Double.NaN), compare == null ? ""
                                : String.format(Locale.ROOT, " %12.1f %7.3f", c.compareMedianMillis(), c.ratio())));
            }
        }
        return sb.toString();
    }

    /** The report as a JSON-ready map (settings, machine, results). */
    public Map<String, Object> toMap() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", MODEL);
        settings.put("occasions", spec.occasions());
        settings.put("beta", spec.beta());
        settings.put("omega", spec.omega());
        settings.put("sigma2", spec.sigma2());
        settings.put("missing", spec.missing());
        settings.put("seed", spec.seed());
        settings.put("repeats", repeats);
        settings.put("warmup", warmups);
        settings.put("coldRepeats", cold.isEmpty() ? 0 : cold.get(0).repeats());
        settings.put("compareCommand", compare);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("javaVersion", System.getProperty("java.version"));
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        List<Map<String, Object>> results = new ArrayList<>();
        for (BenchRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("estimator", r.estimator());
            m.put("subjects", r.subjects());
            m.put("occasions", r.occasions());
            m.put("rows", r.rows());
            m.put("repeats", r.repeats());
            m.put("medianMillis", r.medianMillis());
            m.put("minMillis", r.minMillis());
            m.put("iterations", r.iterations());
            m.put("evaluations", r.evaluations());
            m.put("deviance", r.deviance());
            m.put("minus2LogLik", r.minus2LogLik());
            m.put("status", r.status());
            m.put("reason", r.reason());
            m.put("peakHeapBytes", r.peakHeapBytes());
            m.put("rowsPerSecond", r.rowsPerSecond());
            results.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", settings);
        out.put("machine", machine);
        out.put("results", results);
        if (!cold.isEmpty()) {
            List<Map<String, Object>> whole = new ArrayList<>();
            for (ColdRow c : cold) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("estimator", c.estimator());
                m.put("subjects", c.subjects());
                m.put("rows", c.rows());
                m.put("repeats", c.repeats());
                m.put("medianMillis", c.medianMillis());
                m.put("minMillis", c.minMillis());
                m.put("status", c.status());
                m.put("minus2LogLik", c.minus2LogLik());
                m.put("phases", c.phases());
                m.put("compareMedianMillis", compare == null ? null : c.compareMedianMillis());
                m.put("ratio", compare == null ? null : c.ratio());
                whole.add(m);
            }
            out.put("wholeProcess", whole);
        }
        return out;
    }

    /** The report as pretty-printed JSON. */
    public String json() {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of numbers and strings always serialises", e);
        }
    }
}
