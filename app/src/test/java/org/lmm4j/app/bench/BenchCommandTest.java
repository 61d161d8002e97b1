package org.lmm4j.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.api.InputException;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.Plugins;
import picocli.CommandLine;

class BenchCommandTest {

    private static final Injector INJECTOR = Guice.createInjector(new Lmm4jModule());

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private BenchCommand command() {
        return new BenchCommand(INJECTOR.getInstance(Plugins.class), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void guiceBuildsTheCommand() {
        assertNotNull(INJECTOR.getInstance(BenchCommand.class));
    }

    @Test
    void jsonReportHasTheSettingsTheMachineAndOneResultPerSizeWithAllKeys() throws Exception {
        Path png = dir.resolve("bench.png");
        int code = new CommandLine(command()).execute("--subjects", "30,60", "--occasions", "4", "--estimators",
                "newton", "--repeats", "2", "--format", "json", "--plot", png.toString(), "--cold-repeats", "0");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        for (String key : List.of("model", "occasions", "beta", "omega", "sigma2", "missing", "seed", "repeats")) {
            assertTrue(root.get("benchmark").has(key), key);
        }
        for (String key : List.of("javaVersion", "processors", "maxHeapBytes")) {
            assertTrue(root.get("machine").has(key), key);
        }
        JsonNode results = root.get("results");
        assertEquals(2, results.size());
        List<String> keys = List.of("estimator", "subjects", "occasions", "rows", "repeats", "medianMillis",
                "minMillis", "iterations", "evaluations", "deviance", "minus2LogLik", "status", "reason", "peakHeapBytes",
                "rowsPerSecond");
        for (JsonNode r : results) {
            List<String> names = new ArrayList<>();
            r.fieldNames().forEachRemaining(names::add);
            assertEquals(keys, names);
            assertEquals("newton", r.get("estimator").asText());
            assertEquals("CONVERGED", r.get("status").asText());
            assertTrue(r.get("medianMillis").asDouble() > 0);
            assertTrue(r.get("iterations").asInt() > 0);
            assertTrue(r.get("peakHeapBytes").asLong() > 0);
            double n = r.get("rows").asDouble();
            assertEquals(r.get("deviance").asDouble() + n * Math.log(2 * Math.PI), r.get("minus2LogLik").asDouble(),
                    1e-9 * n);
            assertEquals(r.get("rows").asDouble() / (r.get("medianMillis").asDouble() / 1e3),
                    r.get("rowsPerSecond").asDouble(), 1e-6 * r.get("rowsPerSecond").asDouble());
        }
        assertEquals(30, results.get(0).get("subjects").asInt());
        assertEquals(120, results.get(0).get("rows").asInt());
        assertEquals(240, results.get(1).get("rows").asInt());
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        assertTrue(java.util.regex.Pattern.compile("bench .*\\d+/\\d+").matcher(err.toString(StandardCharsets.UTF_8)).find(),
                "progress was shown on stderr");
    }

    @Test
    void textReportHasAHeaderAndOneLinePerEstimatorAndSize() {
        int n = INJECTOR.getInstance(Plugins.class).estimators().size();
        int code = new CommandLine(command()).execute("--subjects", "25", "--occasions", "3", "--repeats", "1",
                "--no-progress", "--cold-repeats", "0");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\\R");
        assertTrue(lines[1].startsWith("estimator"), lines[1]);
        long rows = java.util.Arrays.stream(lines).filter(l -> l.matches("\\S+\\s+25\\s+75\\s.*")).count();
        assertEquals(n, rows, String.join("\n", lines));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void wholeProcessIsTimedBesideTheWarmFitAlternatingWithTheCompareCommandOnTheSameFile() throws Exception {
        Path log = dir.resolve("compare.log");
        int code = new CommandLine(command()).execute("--subjects", "30", "--occasions", "4", "--estimators", "newton",
                "--repeats", "1", "--warmup", "0", "--cold-repeats", "2", "--no-progress", "--format", "json",
                "--compare-command", "wc -l {file} >> '" + log + "'");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, root.get("benchmark").get("coldRepeats").asInt());
        JsonNode warm = root.get("results").get(0);
        JsonNode cold = root.get("wholeProcess").get(0);
        assertEquals("newton", cold.get("estimator").asText());
        assertEquals(120, cold.get("rows").asInt());
        assertEquals("CONVERGED", cold.get("status").asText());
        // the child fitted the same data, written to a file and read back
        assertEquals(warm.get("minus2LogLik").asDouble(), cold.get("minus2LogLik").asDouble(),
                1e-9 * Math.abs(warm.get("minus2LogLik").asDouble()));
        double median = cold.get("medianMillis").asDouble();
        assertTrue(median >= cold.get("minMillis").asDouble() && cold.get("minMillis").asDouble() > 0, cold.toString());
        JsonNode phases = cold.get("phases");
        for (String p : List.of("startupMillis", "readMillis", "compileMillis", "fitMillis", "outputMillis")) {
            assertTrue(phases.get(p).asDouble() >= 0, p + ": " + phases);
        }
        assertTrue(phases.get("totalMillis").asDouble() <= median + 20, "the child's own total is within its wall time: " + cold);
        assertTrue(cold.get("compareMedianMillis").asDouble() > 0, cold.toString());
        assertEquals(median / cold.get("compareMedianMillis").asDouble(), cold.get("ratio").asDouble(), 1e-12);
        List<String> runs = Files.readAllLines(log);
        assertEquals(2, runs.size(), "the compare command ran once per round: " + runs);
        for (String line : runs) {
            assertTrue(line.matches("\\s*121 .*sim-30\\.csv"), "it saw the simulated file (120 rows and a header): " + line);
        }
    }

    @Test
    void aFailingCompareCommandIsAnInputErrorNamingIt() {
        BenchCommand c = command();
        new CommandLine(c).parseArgs("--subjects", "10", "--occasions", "3", "--estimators", "newton", "--repeats", "1",
                "--warmup", "0", "--cold-repeats", "1", "--no-progress", "--compare-command", "exit 7");
        InputException e = assertThrows(InputException.class, c::call);
        assertTrue(e.getMessage().contains("exit 7") && e.getMessage().contains("exit status 7"), e.getMessage());
    }

    @Test
    void unknownEstimatorsAndFormatsAreInputErrors() {
        BenchCommand c = command();
        new CommandLine(c).parseArgs("--estimators", "nosuch", "--subjects", "10");
        assertThrows(InputException.class, c::call);
        BenchCommand f = command();
        new CommandLine(f).parseArgs("--format", "xml", "--subjects", "10");
        assertThrows(InputException.class, f::call);
    }

    @Test
    void theMedianIsTheMiddleValue() {
        assertEquals(3.0, BenchRunner.median(new double[] {5, 1, 3}));
        assertEquals(2.5, BenchRunner.median(new double[] {4, 1, 3, 2}));
    }
}
