package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code lmm4j compare} on the paper's mixed gender model: the three estimators agree to 1e-4 in deviance. */
class CompareCommandTest {

    @Test
    void theThreeEstimatorsAgreeOnTheMixedGenderModel() throws Exception {
        Cli.Run r = Cli.run("compare", "--estimators", "newton,em,alternating", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3, j.get("estimators").size());
        for (JsonNode row : j.get("estimators")) {
            assertEquals("CONVERGED", row.get("status").asText(), row.toString());
            assertEquals(229.3152, row.get("deviance").asDouble(), 1e-3, row.toString());
        }
        assertEquals(3, j.get("converged").asInt());
        assertTrue(j.get("maxDevianceDifference").asDouble() < 1e-4, r.out());
        assertTrue(j.get("maxBetaDifference").asDouble() < 1e-3, r.out());
    }

    @Test
    void textHasARowPerDiscoveredEstimatorAndTheDisagreement() {
        Cli.Run r = Cli.run("compare");
        assertEquals(0, r.exit(), r.err());
        for (String name : new String[] {"newton", "em", "alternating", "test-only"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), name + " missing in\n" + r.out());
        }
        assertTrue(r.out().contains("Largest disagreement among the 3 converged estimators"), r.out());
    }

    @Test
    void strictFailsWhenOneEstimatorDoesNotConverge() {
        Cli.Run r = Cli.run("compare", "--estimators", "em,test-only", "--strict");
        assertEquals(Lmm4jCommand.EXIT_NOT_CONVERGED, r.exit(), r.err());
        assertTrue(r.out().contains("Fewer than two estimators converged (1)"), r.out());
    }
}
