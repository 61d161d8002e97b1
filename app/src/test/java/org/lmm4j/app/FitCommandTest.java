package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lmm4j fit} on the bundled dental data: the paper's mixed gender model reaches Table 1's
 * gender/random deviance 229.3152, in text and in the JSON of docs/DESIGN.md §3.
 */
class FitCommandTest {

    private static final List<String> DESIGN_KEYS = List.of("status", "method", "estimator", "deviance", "logLik",
            "aic", "bic", "parameters", "observations", "groups", "iterations", "evaluations", "elapsedMillis",
            "fixedEffects", "standardErrors", "sigma", "omega", "randomEffects", "singular", "warnings",
            "minus2LogLik", "reason", "droppedRows", "notes", "trace", "provenance");

    @Test
    void textSummaryOfTheMixedGenderModel() {
        Cli.Run r = Cli.run("fit");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.contains("Formula: distance ~ Sex*age + (age | Subject)"), out);
        assertTrue(out.contains("Status: CONVERGED"), out);
        assertTrue(out.contains("229.315"), out);
        assertTrue(out.contains("(Intercept)") && out.contains("SexFemale:age") && out.contains("Std. Error"), out);
        assertTrue(out.contains("Random effects, Ω"), out);
        assertTrue(out.contains("σ² = 1.716"), out);
        assertTrue(out.contains("Observations: 108") && out.contains(": 27"), out);
    }

    @Test
    void textSummaryShowsSigmaByOccasionForAFreeSigma() {
        Cli.Run r = Cli.run("fit", "--data", "dental", "--formula", "distance ~ Sex*age", "--residual", "free",
                "--time", "age", "--group", "Subject");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("220.986"), r.out());
        assertTrue(r.out().contains("by occasion"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("14 ") && l.contains("0.72")), r.out());
    }

    @Test
    void jsonHasEveryKeyAndTheDeviance() throws Exception {
        Cli.Run r = Cli.run("fit", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String key : DESIGN_KEYS) {
            assertTrue(j.has(key), "missing key " + key + " in " + r.out());
        }
        assertEquals("CONVERGED", j.get("status").asText());
        assertEquals("ML", j.get("method").asText());
        assertEquals(229.3152, j.get("deviance").asDouble(), 1e-3);
        assertEquals(j.get("deviance").asDouble() + 108 * Math.log(2 * Math.PI), j.get("minus2LogLik").asDouble(), 1e-9);
        assertEquals(-j.get("minus2LogLik").asDouble() / 2, j.get("logLik").asDouble(), 1e-9);
        assertEquals(8, j.get("parameters").asInt());
        assertEquals(108, j.get("observations").asInt());
        assertEquals(27, j.get("groups").asInt());
        assertEquals(16.34063, j.get("fixedEffects").get("(Intercept)").asDouble(), 1e-3);
        assertEquals(4, j.get("standardErrors").size());
        assertEquals(2, j.get("omega").size());
        assertEquals(27, j.get("randomEffects").size());
        assertEquals(2, j.get("randomEffects").get("M01").size());
        assertEquals(1.716204, j.get("sigma").get(0).get(0).asDouble(), 1e-3);
        assertFalse(j.get("trace").isEmpty());
        assertTrue(j.get("provenance").has("data"));
    }

    @Test
    void remlIsReportedAsSuch() throws Exception {
        Cli.Run r = Cli.run("fit", "--method", "reml", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("REML", j.get("method").asText());
        assertEquals(432.5817, j.get("minus2LogLik").asDouble(), 1e-3);
    }

    @Test
    void anUnboundedFitIsValidJsonWithMinusInfinityAndFailsUnderStrict() throws Exception {
        String[] args = {"fit", "--formula", "distance ~ 0 + Subject + Subject:age", "--residual", "diagonal",
            "--time", "age", "--group", "Subject", "--format", "json"};
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("UNBOUNDED", j.get("status").asText());
        assertEquals("-Infinity", j.get("deviance").asText());
        assertEquals(58, j.get("parameters").asInt());
        String[] strict = java.util.Arrays.copyOf(args, args.length + 1);
        strict[args.length] = "--strict";
        assertEquals(Lmm4jCommand.EXIT_NOT_CONVERGED, Cli.run(strict).exit());
    }

    @Test
    void verboseLogsTheIterationsAndTheDefaultIsQuiet() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, Cli.run("fit").exit());
            assertEquals("", log.toString(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, Cli.run("fit", "--verbose").exit());
        } finally {
            System.setErr(original);
        }
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("DEBUG") && text.contains("iteration"), text);
    }
}
