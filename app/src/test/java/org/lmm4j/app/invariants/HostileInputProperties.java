package org.lmm4j.app.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import org.lmm4j.app.Lmm4jCommand;

/**
 * Hostile input through the whole command line (docs/DESIGN.md §3): jqwik-generated malformed CSV text and
 * formula strings (random bytes, truncated quotes, huge numbers, NaN, Inf, unicode names, empty groups)
 * give either exit 0 with a model or exit 2 with exactly one line on stderr and no stack trace — never
 * another exit status, an exception or a hang. And numerically hard but legal data fit sensibly: y
 * scaled by 10⁶ and 10⁻⁶ (β̂ scales, Δ shifts by 2N log c), groups of size one, a zero random-slope
 * variance (a boundary fit, flagged singular), near-collinear covariates.
 */
@PropertyDefaults(tries = 100)
class HostileInputProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run of the command line. */
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            String e = err.strip();
            return e.isEmpty() ? List.of() : List.of(e.split("\\R"));
        }
    }

    /** Runs the command line with a time limit (on its own thread); a hang fails the property. */
    static Run run(String... args) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-input");
            t.setDaemon(true);
            return t;
        });
        Future<Run> f = executor.submit(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exit = Lmm4jCommand.run(args, o, e);
            }
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("the command hung (> 30 s): " + String.join(" ", args));
        } catch (Exception e) {
            throw new AssertionError("the command threw " + e, e);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Runs {@code fit} on the content written to a temporary file (deleted afterwards). */
    static Run fit(byte[] content, String... options) {
        Path p;
        try {
            p = Files.createTempFile("lmm4j-hostile", ".csv");
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            String[] args = new String[options.length + 3];
            args[0] = "fit";
            args[1] = "--data";
            args[2] = p.toString();
            System.arraycopy(options, 0, args, 3, options.length);
            return run(args);
        } finally {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                p.toFile().deleteOnExit();
            }
        }
    }

    /** Exit 0 with a model whose numbers are finite, or exit 2 with one clean line on stderr. */
    static void assertModelOrCleanError(Run r, String context) {
        assertTrue(r.exit() == 0 || r.exit() == 2, "exit " + r.exit() + " for " + context + "\nstderr: " + r.err());
        assertFalse(r.err().contains("\tat "), "stack trace on stderr: " + r.err());
        if (r.exit() == 2) {
            assertEquals(1, r.errLines().size(), "exit 2 needs exactly one stderr line, got: " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            return;
        }
        JsonNode fit = parse(r.out());
        String status = fit.get("status").asText();
        assertTrue(List.of("CONVERGED", "UNBOUNDED", "NOT_CONVERGED", "FAILED").contains(status), status);
        if (!status.equals("FAILED") && !status.equals("UNBOUNDED")) {
            assertTrue(fit.get("deviance").isNumber() && Double.isFinite(fit.get("deviance").asDouble()),
                    "deviance " + fit.get("deviance"));
            fit.get("fixedEffects").forEach(v -> assertTrue(v.isNumber() && Double.isFinite(v.asDouble()),
                    "β̂ entry " + v + " in " + r.out()));
        }
    }

    static JsonNode parse(String out) {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("exit 0 but stdout is not one JSON object: " + out, e);
        }
    }

    // ---------------------------------------------------------------- malformed CSV and formulas

    /** A valid long-format table (subj, time, y, x, sex) that the mutations then damage. */
    static String validCsv(Random r, int subjects, int occasions) {
        StringBuilder s = new StringBuilder("subj,time,y,x,sex\n");
        for (int i = 0; i < subjects; i++) {
            double u = r.nextGaussian();
            for (int t = 0; t < occasions; t++) {
                s.append('s').append(i).append(',').append(t).append(',')
                        .append(10 + t + u + 0.5 * r.nextGaussian()).append(',').append(r.nextGaussian()).append(',')
                        .append(i % 2 == 0 ? "F" : "M").append('\n');
            }
        }
        return s.toString();
    }

    /** One damaging edit of CSV text. */
    static String mutate(String csv, int kind, Random r) {
        String[] lines = csv.split("\n", -1);
        if (lines.length < 2) {
            return csv;                                                                      // nothing left to damage
        }
        int row = 1 + r.nextInt(Math.max(1, lines.length - 2));
        String[] cells = lines[row].split(",", -1);
        int col = r.nextInt(cells.length);
        switch (kind) {
            case 0 -> cells[col] = "\"" + cells[col];                                       // truncated quote
            case 1 -> cells[col] = List.of("1e308", "-1e308", "1e400", "123456789012345678901234567890").get(r.nextInt(4));
            case 2 -> cells[col] = List.of("NaN", "Inf", "-Infinity", "Infinity", "nan").get(r.nextInt(5));
            case 3 -> lines[0] = lines[0].replace(List.of("subj", "time", "y", "x", "sex").get(r.nextInt(5)),
                    List.of("ñame", "時間", "y\u0301", "🙂", "\u200b").get(r.nextInt(5)));  // unicode column names
            case 4 -> cells[col] = "";                                                       // empty cell / group
            case 5 -> {                                                                      // random bytes
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < 1 + r.nextInt(20); k++) {
                    b.append((char) r.nextInt(0x3000));
                }
                cells[col] = b.toString();
            }
            case 6 -> { return csv.substring(0, r.nextInt(Math.max(1, csv.length()))); }    // truncated file
            case 7 -> lines[row] = String.join(",", cells) + ",extra";                       // ragged row
            case 8 -> { return lines[0] + "\n"; }                                            // header only
            case 9 -> {                                                                      // a whole group emptied
                StringBuilder b = new StringBuilder(lines[0]).append('\n');
                for (int k = 1; k < lines.length; k++) {
                    b.append(lines[k].startsWith("s0,") ? ",,,," : lines[k]).append('\n');
                }
                return b.toString();
            }
            default -> cells[col] = "\"" + cells[col] + "\"\"";
        }
        lines[row] = kind == 7 ? lines[row] : String.join(",", cells);
        return String.join("\n", lines);
    }

    @Provide
    Arbitrary<byte[]> malformedCsv() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 10).list().ofMinSize(1).ofMaxSize(3)).as((seed, ignored, kinds) -> {
                    Random r = new Random(seed);
                    String csv = validCsv(r, 3 + r.nextInt(5), 1 + r.nextInt(4));
                    for (int k : kinds) {
                        csv = mutate(csv, k, r);
                    }
                    return csv.getBytes(StandardCharsets.UTF_8);
                });
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, mutated), net.jqwik.api.Tuple.of(2, bytes));
    }

    @Provide
    Arbitrary<String> formulas() {
        Arbitrary<String> valid = Arbitraries.of("y ~ time + (1 | subj)", "y ~ time*sex + (time | subj)",
                "y ~ x + (1 || subj)", "y ~ 1 + (1 | subj)", "y ~ 0 + sex + time + (1 | subj)", "y ~ factor(time)");
        Arbitrary<String> broken = Arbitraries.of("y ~", "~ time", "y ~ time + (1 | )", "y ~ (time | subj",
                "y ~ nosuch + (1 | subj)", "y ~ time ** 2", "y ~ time + (1 | subj) + (1 | subj)", "", "y ~ 🙂",
                "y ~ x:x:x:x", "y ~ time - time", "y ~ 0", "y ~ (1 | time:subj)", "y y ~ time");
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(30);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, valid), net.jqwik.api.Tuple.of(4, broken),
                net.jqwik.api.Tuple.of(1, noise));
    }

    @Property
    void malformedCsvGivesAModelOrOneCleanError(@ForAll("malformedCsv") byte[] csv, @ForAll("formulas") String formula,
                                               @ForAll("estimators") String estimator) {
        Run r = fit(csv, "--formula", formula, "--estimator", estimator, "--format", "json");
        assertModelOrCleanError(r, "formula '" + formula + "' on:\n" + new String(csv, StandardCharsets.UTF_8));
    }

    @Property
    void malformedFormulaGivesAModelOrOneCleanError(@ForAll("formulas") String formula, @ForAll long seed) {
        Random r = new Random(seed);
        Run run = fit(validCsv(r, 4 + r.nextInt(4), 2 + r.nextInt(3)).getBytes(StandardCharsets.UTF_8), "--formula",
                formula, "--format", "json");
        assertModelOrCleanError(run, "formula '" + formula + "'");
    }

    @Provide
    Arbitrary<String> estimators() {
        return Arbitraries.of("newton", "em", "alternating");
    }

    // ---------------------------------------------------------------- hard but legal data

    static String table(List<double[]> rows) {
        StringBuilder s = new StringBuilder("subj,time,y,x1,x2\n");
        for (double[] row : rows) {
            s.append('s').append((int) row[0]).append(',').append(row[1]).append(',').append(row[2]).append(',')
                    .append(row[3]).append(',').append(row[4]).append('\n');
        }
        return s.toString();
    }

    /** Subjects with a random intercept and slope; rows (subject, time, y, x1, x2). */
    static List<double[]> growth(Random r, int subjects, int occasions, double scale) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < subjects; i++) {
            double a = r.nextGaussian();
            double b = 0.3 * r.nextGaussian();
            for (int t = 0; t < occasions; t++) {
                double x = r.nextGaussian();
                rows.add(new double[] {i, t, scale * (20 + a + (1 + b) * t + 0.5 * x + 0.5 * r.nextGaussian()), x, 0});
            }
        }
        return rows;
    }

    @Property
    void responseScaledByMillionOrMillionthFitsEquivariantly(@ForAll long seed, @ForAll("estimators") String estimator,
                                                            @ForAll("tinyOrHuge") double c) {
        List<double[]> rows = growth(new Random(seed), 12, 4, 1);
        List<double[]> scaled = new ArrayList<>();
        for (double[] row : rows) {
            double[] s = row.clone();
            s[2] *= c;
            scaled.add(s);
        }
        String formula = "y ~ time + x1 + (time | subj)";
        JsonNode a = fitJson(table(rows), formula, estimator);
        JsonNode b = fitJson(table(scaled), formula, estimator);
        int n = a.get("observations").asInt();
        double shift = 2 * n * Math.log(c);
        assertEquals(a.get("deviance").asDouble() + shift, b.get("deviance").asDouble(),
                1e-6 * (Math.abs(a.get("deviance").asDouble()) + Math.abs(shift)), estimator + ": Δ(cy) = Δ(y) + 2N log c, c = " + c);
        a.get("fixedEffects").fieldNames().forEachRemaining(name -> assertEquals(c * a.get("fixedEffects").get(name).asDouble(),
                b.get("fixedEffects").get(name).asDouble(), 1e-4 * c * (1 + Math.abs(a.get("fixedEffects").get(name).asDouble())),
                estimator + ": β̂(cy) = cβ̂(y) for " + name));
    }

    @Provide
    Arbitrary<Double> tinyOrHuge() {
        return Arbitraries.of(1e6, 1e-6);
    }

    @Property
    void groupsOfSizeOneFit(@ForAll long seed, @ForAll("estimators") String estimator) {
        Random r = new Random(seed);
        List<double[]> rows = growth(r, 10, 3, 1);
        int extra = 1 + r.nextInt(6);
        for (int k = 0; k < extra; k++) {
            rows.add(new double[] {100 + k, r.nextInt(3), 20 + r.nextGaussian(), r.nextGaussian(), 0});
        }
        JsonNode fit = fitJson(table(rows), "y ~ time + (1 | subj)", estimator);
        assertEquals(10 + extra, fit.get("groups").asInt());
        assertEquals("CONVERGED", fit.get("status").asText(), fit.toString());
    }

    @Property
    void zeroRandomSlopeVarianceIsFlaggedSingular(@ForAll long seed, @ForAll("estimators") String estimator) {
        // every subject's least-squares slope is exactly 1: the noise is orthogonal to (1, time) within
        // each subject, so the ML estimate of the slope variance is zero, a boundary fit
        Random r = new Random(seed);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double a = 2 * r.nextGaussian();
            double[] e = new double[4];
            for (int t = 0; t < 4; t++) {
                e[t] = r.nextGaussian();
            }
            double mean = (e[0] + e[1] + e[2] + e[3]) / 4;
            double slope = (-1.5 * e[0] - 0.5 * e[1] + 0.5 * e[2] + 1.5 * e[3]) / 5;
            for (int t = 0; t < 4; t++) {
                rows.add(new double[] {i, t, 20 + a + t + e[t] - mean - slope * (t - 1.5), 0, 0});
            }
        }
        JsonNode fit = fitJson(table(rows), "y ~ time + (time | subj)", estimator);
        assertTrue(fit.get("singular").asBoolean(), "a zero slope variance must be flagged: " + fit);
        assertTrue(List.of("CONVERGED", "NOT_CONVERGED").contains(fit.get("status").asText()), fit.toString());
    }

    @Property
    void nearCollinearCovariatesFitOrAreRejectedClearly(@ForAll long seed, @ForAll("estimators") String estimator,
                                                        @ForAll("tinyGaps") double gap) {
        Random r = new Random(seed);
        List<double[]> rows = growth(r, 10, 4, 1);
        for (double[] row : rows) {
            row[4] = row[3] + gap * r.nextGaussian();
        }
        Run run = fit(table(rows).getBytes(StandardCharsets.UTF_8), "--formula", "y ~ time + x1 + x2 + (1 | subj)",
                "--estimator", estimator, "--format", "json");
        assertModelOrCleanError(run, "x2 = x1 + " + gap + "·noise");
        if (run.exit() == 0) {
            JsonNode fit = parse(run.out());
            fit.get("fixedEffects").forEach(b -> assertTrue(Double.isFinite(b.asDouble()), "finite β̂: " + fit));
            // nesting: the extra, nearly collinear column can only lower the minimum deviance
            JsonNode reduced = fitJson(table(rows), "y ~ time + x1 + (1 | subj)", estimator);
            double full = fit.get("deviance").asDouble();
            double less = reduced.get("deviance").asDouble();
            assertTrue(full <= less + 1e-6 * Math.max(1, Math.abs(less)),
                    "Δ̂ with x2 (" + full + ") must not exceed Δ̂ without it (" + less + ")");
        }
    }

    @Provide
    Arbitrary<Double> tinyGaps() {
        return Arbitraries.of(1e-4, 1e-7, 1e-10);
    }

    static JsonNode fitJson(String csv, String formula, String estimator) {
        Run r = fit(csv.getBytes(StandardCharsets.UTF_8), "--formula", formula, "--estimator", estimator, "--format",
                "json");
        assertEquals(0, r.exit(), estimator + ": " + r.err());
        return parse(r.out());
    }
}
