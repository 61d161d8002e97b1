package org.lmm4j.app.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.app.Lmm4jCommand;

/**
 * Runs {@code lmm4j paper --format json --estimator newton} and checks every figure of the paper.
 *
 * <p>The targets are this test's own copy of {@code shared/reference/paper-targets.md}: the
 * independently recomputed values (ML, Σ structures over the four ages, unstructured Ω for the
 * random intercept and slope) of Table 1 and Table 2 and the two σ̂² of "Other estimates"; the paper
 * itself prints them rounded (307, 280, 91, ...; 0.85 and 1.72).
 */
class PaperJsonTest {

    /** paper-targets.md, Table 1: recomputed minimum deviances; null marks the paper's −∞. */
    private static final Object[][] TABLE1 = {
        // sigma,     equal,    gender,   free
        {"scalar", 307.0862, 279.7510, 91.4725},
        {"diagonal", 304.7298, 278.5407, null},
        {"free", 233.2170, 220.9863, null},
        {"random", 240.7209, 229.3152, null},
    };

    /** paper-targets.md, Table 1: numbers of free parameters, same layout. */
    private static final int[][] PARAMETERS = {{3, 5, 55}, {6, 8, 58}, {12, 14, 64}, {6, 8, 58}};

    /** paper-targets.md, Table 2: variances at ages 8, 10, 12, 14 (gender/free model). */
    private static final double[] VARIANCES = {5.1192, 3.9280, 5.9798, 4.6180};

    /** paper-targets.md, Table 2: r(8,10), r(8,12), r(8,14), r(10,12), r(10,14), r(12,14). */
    private static final double[] CORRELATIONS = {0.54434, 0.65257, 0.51875, 0.56072, 0.71903, 0.72759};

    /** paper-targets.md, "Other estimates": σ̂² of the free/scalar and the gender/random model. */
    private static final double SIGMA2_FREE_SCALAR = 0.8581;
    private static final double SIGMA2_RANDOM_GENDER = 1.7162;

    /** paper-targets.md, the random/free cell: the infimum under a positive semi-definite Ω (Ω̂ = 0). */
    private static final double RANDOM_FREE_CONSTRAINED = 91.4725;

    private static final String[] MEANS = {"equal", "gender", "free"};
    private static final double TOL = 1e-3;

    @TempDir
    static Path dir;

    static JsonNode json;
    static String stdout;
    static String stderr;
    static int exit;

    @BeforeAll
    static void runPaper() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        exit = Lmm4jCommand.run(new String[] {"paper", "--out", dir.toString(), "--format", "json",
            "--estimator", "newton"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        json = new ObjectMapper().readTree(stdout);
    }

    @Test
    void standardOutputIsOneJsonObjectAndProgressGoesToStandardError() {
        assertEquals(0, exit, stderr);
        assertTrue(json.isObject());
        assertTrue(stderr.contains("fitting 12 models"), stderr);
    }

    @Test
    void table1HasTheTwelveCellsWithThePapersDeviancesAndParameterCounts() {
        JsonNode table1 = json.get("table1");
        assertEquals(12, table1.size());
        Map<String, JsonNode> cells = new HashMap<>();
        for (JsonNode c : table1) {
            cells.put(c.get("mean").asText() + "/" + c.get("sigma").asText(), c);
        }
        for (int row = 0; row < TABLE1.length; row++) {
            String sigma = (String) TABLE1[row][0];
            for (int col = 0; col < MEANS.length; col++) {
                String key = MEANS[col] + "/" + sigma;
                JsonNode c = cells.get(key);
                assertTrue(c != null, "missing cell " + key);
                assertEquals(PARAMETERS[row][col], c.get("parameters").asInt(), key + " parameters");
                Double target = (Double) TABLE1[row][col + 1];
                if (target == null) {
                    assertTrue(c.get("deviance").isTextual(), key + " should be −∞: " + c);
                    assertEquals("-Infinity", c.get("deviance").asText(), key);
                    assertEquals("UNBOUNDED", c.get("status").asText(), key);
                } else {
                    assertTrue(c.get("deviance").isNumber(), key + " should be finite: " + c);
                    assertEquals(target, c.get("deviance").asDouble(), TOL, key);
                    assertEquals("CONVERGED", c.get("status").asText(), key);
                }
            }
        }
    }

    @Test
    void theRandomFreeCellIsMinusInfinityWithTheConstrainedValueBeside() {
        for (JsonNode c : json.get("table1")) {
            if (c.get("mean").asText().equals("free") && c.get("sigma").asText().equals("random")) {
                assertEquals(RANDOM_FREE_CONSTRAINED, c.get("constrainedValue").asDouble(), TOL);
                assertTrue(c.get("note").asText().contains("not identified"), c.get("note").asText());
                return;
            }
        }
        throw new AssertionError("no random/free cell");
    }

    @Test
    void table2IsSigmaOfTheGenderFreeModel() {
        JsonNode t2 = json.get("table2");
        for (int i = 0; i < 4; i++) {
            assertEquals(VARIANCES[i], t2.get("variances").get(i).asDouble(), TOL, "variance " + i);
        }
        JsonNode r = t2.get("correlations");
        int k = 0;
        for (int i = 0; i < 4; i++) {
            assertEquals(1.0, r.get(i).get(i).asDouble(), 1e-12);
            for (int j = i + 1; j < 4; j++) {
                assertEquals(CORRELATIONS[k], r.get(i).get(j).asDouble(), TOL, "r(" + i + "," + j + ")");
                assertEquals(CORRELATIONS[k], r.get(j).get(i).asDouble(), TOL, "r(" + j + "," + i + ")");
                k++;
            }
        }
    }

    @Test
    void theTwoResidualVariancesOfTheText() {
        assertEquals(SIGMA2_FREE_SCALAR, json.get("sigma2FreeScalar").asDouble(), TOL);
        assertEquals(SIGMA2_RANDOM_GENDER, json.get("sigma2RandomGender").asDouble(), TOL);
    }

    @Test
    void theSixFigureFilesAndTheReportAreWritten() throws Exception {
        JsonNode figures = json.get("figures");
        assertEquals(6, figures.size());
        for (String name : new String[] {"figure1.png", "figure1.svg", "figure2.png", "figure2.svg",
            "figure3.png", "figure3.svg"}) {
            Path p = dir.resolve(name);
            assertTrue(Files.isRegularFile(p), name);
            assertTrue(Files.size(p) > 1000, name + " is (nearly) empty");
            boolean listed = false;
            for (JsonNode f : figures) {
                listed |= Path.of(f.asText()).getFileName().toString().equals(name);
            }
            assertTrue(listed, name + " is not listed in figures");
        }
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("![Figure 3](figure3.png)"));
        assertTrue(report.contains("−∞ (58)"));
    }

    @Test
    void blupsForEveryChild() {
        JsonNode blups = json.get("blups");
        assertEquals(27, blups.size());
        assertTrue(blups.has("M01") && blups.has("F11"));
    }
}
