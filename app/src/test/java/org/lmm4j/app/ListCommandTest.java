package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code lmm4j list} names every estimator and structure of the project, each with a description. */
class ListCommandTest {

    @Test
    void listsTheThreeEstimatorsAndTheSixStructures() {
        Cli.Run r = Cli.run("list");
        assertEquals(0, r.exit(), r.err());
        for (String name : new String[] {"newton", "em", "alternating", "scalar", "diagonal", "free", "cs", "ar1", "toeplitz"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith(name + " ")), name + " missing from\n" + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void jsonListsNameAndDescription() throws Exception {
        Cli.Run r = Cli.run("list", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.get("estimators").has("newton"));
        assertTrue(root.get("structures").get("free").asText().length() > 5);
    }
}
