package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fit} times its phases: the JSON's {@code provenance.phases} has start-up, read, compile, fit
 * and output, each non-negative, adding up to the total, which is no more than the wall time of the
 * whole process; {@code --verbose} logs them; and in a fresh process the programmatic Logback
 * configuration keeps a default run silent on standard error while {@code --verbose} shows the
 * estimator's iterations.
 */
class FitPhasesTest {

    static final List<String> PHASES = List.of("startupMillis", "readMillis", "compileMillis", "fitMillis",
            "outputMillis", "totalMillis");

    @TempDir
    Path dir;

    private record Child(int exit, String out, String err, double wallMillis) {
    }

    @Test
    void jsonCarriesThePhasesAndKeepsEveryOtherField() throws Exception {
        Cli.Run r = Cli.run("fit", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode p = j.get("provenance").get("phases");
        List<String> names = new ArrayList<>();
        p.fieldNames().forEachRemaining(names::add);
        assertEquals(PHASES, names);
        checkSums(p);
        assertTrue(j.get("provenance").has("data") && j.get("provenance").has("lmm4j"), "the other provenance stays");
        assertTrue(j.get("provenance").get("data").isTextual());
    }

    @Test
    void aWholeProcessReportsPhasesWithinItsWallTimeAndLogsThemOnlyWhenVerbose() throws Exception {
        Child quiet = java("fit", "--format", "json");
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals("", quiet.err(), "a default run prints nothing on standard error");
        JsonNode p = new ObjectMapper().readTree(quiet.out()).get("provenance").get("phases");
        checkSums(p);
        assertTrue(p.get("totalMillis").asDouble() <= quiet.wallMillis() + 20,
                "phases total " + p.get("totalMillis") + " ms within the process's wall time " + quiet.wallMillis() + " ms");
        assertTrue(p.get("startupMillis").asDouble() > 0, p.toString());

        Child verbose = java("fit", "--verbose", "--format", "json");
        assertEquals(0, verbose.exit(), verbose.err());
        assertTrue(verbose.err().matches("(?s).*DEBUG \\w+: newton iteration 1: criterion .*"), verbose.err());
        assertTrue(verbose.err().matches("(?s).*DEBUG FitCommand: phases: startup \\d+ ms, read \\d+ ms, compile \\d+ ms, "
                + "fit \\d+ ms, output \\d+ ms; total \\d+ ms.*"), verbose.err());
        assertEquals("{", verbose.out().substring(0, 1), "standard output is the JSON alone");
        new ObjectMapper().readTree(verbose.out());
    }

    private static void checkSums(JsonNode p) {
        double sum = 0;
        for (String phase : PHASES.subList(0, PHASES.size() - 1)) {
            double ms = p.get(phase).asDouble();
            assertTrue(p.get(phase).isNumber() && ms >= 0, phase + " = " + p.get(phase));
            sum += ms;
        }
        assertTrue(sum <= p.get("totalMillis").asDouble() + 1e-3, "phases sum " + sum + " > total " + p.get("totalMillis"));
        assertEquals(p.get("totalMillis").asDouble(), sum, 1e-3, "the phases follow one another with no gap");
        assertTrue(p.get("fitMillis").asDouble() > 0, p.toString());
    }

    /** Runs lmm4j's main class in a new JVM with this test's class path, timing the whole process. */
    private Child java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        double wall = (System.nanoTime() - start) / 1e6;
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), wall);
    }
}
