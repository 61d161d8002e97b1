package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.testkit.HandFrames;

/**
 * {@code lmm4j fit} with several random terms nested within one factor (issue 13, docs/DESIGN.md §3): the formula is
 * compiled to a frame, regrouped by its outer factor and fitted; the text shows lme4's VarCorr table and group counts,
 * the JSON keeps its fields and adds {@code terms} with each term's Ω̂ and BLUPs by level (lme4's {@code ranef}
 * for Pastes, from {@code src/test/resources/nested/reference.R}); crossed terms (Penicillin, and casks in batches
 * crossed with operators, from {@code src/test/resources/crossed/reference.R}) the same as one group of all rows, and a
 * structured Σ beside them one line and exit status 2.
 */
class NestedTermsCliTest {

    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/nested/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void pastesPrintsLme4sVarCorrTableAndGroupCounts() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", resource("pastes.csv").toString(), "--formula",
                "strength ~ 1 + (1|batch/cask)");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(" Groups     Name        Variance Std.Dev. Corr\n"
                + " cask:batch (Intercept) 8.4337   2.9041\n"
                + " batch      (Intercept) 1.1992   1.0951\n"
                + " Residual               0.67800  0.82341\n"
                + "Number of obs: 60, groups: cask:batch, 30; batch, 10\n"), r.out());
        assertTrue(r.out().contains("247.9945"), r.out());
    }

    @Test
    void jsonCarriesEachTermWithItsBlupsByLevel() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", resource("pastes.csv").toString(), "--formula",
                "strength ~ 1 + (1|batch/cask)", "--format", "json", "--estimator", "em");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Map<String, Double> ref = HandFrames.figures("/nested/reference.properties");
        assertEquals(ref.get("pastes.ml.m2ll"), j.get("minus2LogLik").asDouble(), 1e-6);
        assertEquals(10, j.get("groups").asInt());
        assertEquals(4, j.get("omega").size(), "the per-group Ω: batch and three cask slots");
        JsonNode terms = j.get("terms");
        assertEquals(2, terms.size());
        assertEquals("batch", terms.get(0).get("group").asText());
        assertEquals("cask:batch", terms.get(1).get("group").asText());
        assertEquals("free", terms.get(1).get("structure").asText());
        assertEquals(30, terms.get(1).get("levels").asInt());
        assertEquals(ref.get("pastes.ml.omega.cask:batch.(Intercept).(Intercept)"),
                terms.get(1).get("omega").get(0).get(0).asDouble(), 1e-4);
        JsonNode casks = terms.get(1).get("randomEffects");
        assertEquals(30, casks.size());
        for (String level : List.of("a:A", "c:J")) {
            assertEquals(ref.get("pastes.ml.ranef.cask:batch." + level), casks.get(level).get("(Intercept)").asDouble(),
                    1e-4, level);
        }
        assertEquals(ref.get("pastes.ml.ranef.batch.E"),
                terms.get(0).get("randomEffects").get("E").get("(Intercept)").asDouble(), 1e-4);
    }

    @Test
    void paddedSlotsAreNotReported(@TempDir Path tmp) throws IOException {
        // batch B has one cask, batch A three: B's two padded slots have no level
        Path csv = tmp.resolve("unbalanced.csv");
        StringBuilder s = new StringBuilder("y,batch,cask\n");
        double[] ys = {1.2, 2.3, 0.4, 3.1, 2.2, 1.9, 0.7, 1.4, 2.8, 2.5, 1.1, 0.2, 1.7, 2.0};
        String[] batch = {"A", "A", "A", "A", "A", "A", "B", "B", "C", "C", "C", "C", "D", "D"};
        String[] cask = {"a", "a", "b", "b", "c", "c", "a", "a", "a", "a", "b", "b", "a", "a"};
        for (int j = 0; j < ys.length; j++) {
            s.append(ys[j]).append(',').append(batch[j]).append(',').append(cask[j]).append('\n');
        }
        Files.writeString(csv, s.toString());
        Cli.Run r = Cli.run("fit", "--data", csv.toString(), "--formula", "y ~ 1 + (1|batch/cask)", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(7, j.get("terms").get(1).get("randomEffects").size(), "seven casks");
        JsonNode b = j.get("randomEffects").get("B");
        assertEquals(2, b.size(), "batch B: its intercept and its one cask, no padded slot: " + b);
        assertFalse(b.has("(Intercept)|cask:batch[2]"));
    }

    @Test
    void penicillinsCrossedTermsPrintLme4sVarCorrTableAndGroupCounts() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", crossed("penicillin.csv").toString(), "--formula",
                "diameter ~ 1 + (1|plate) + (1|sample)");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(" Groups   Name        Variance Std.Dev. Corr\n"
                + " plate    (Intercept) 0.71499  0.84557\n"
                + " sample   (Intercept) 3.1352   1.7706\n"
                + " Residual             0.30243  0.54993\n"
                + "Number of obs: 144, groups: plate, 24; sample, 6\n"), r.out());
        assertTrue(r.out().contains("Observations: 144, groups (all rows): 1,"), r.out());
        assertTrue(r.out().contains("332.1883"), r.out());
    }

    @Test
    void crossedJsonCarriesEachTermWithItsBlupsByLevel() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", crossed("mixed.csv").toString(), "--formula",
                "y ~ 1 + (1|batch/cask) + (1|operator)", "--format", "json", "--method", "REML");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Map<String, Double> ref = HandFrames.figures("/crossed/reference.properties");
        assertEquals(ref.get("mixed.reml.m2ll"), j.get("minus2LogLik").asDouble(), 1e-6);
        assertEquals(ref.get("mixed.reml.df.(Intercept)"),
                j.get("fixedEffectTests").get("(Intercept)").get("df").asDouble(), 1e-4, "lmerTest's Satterthwaite df");
        assertEquals(1, j.get("groups").asInt(), "one group of all rows");
        assertEquals(6 + 18 + 5, j.get("omega").size(), "the one group's Ω: a slot per level of each term");
        JsonNode all = j.get("randomEffects").get("all rows");
        assertEquals(29, all.size());
        assertEquals(ref.get("mixed.reml.ranef.operator.op3.(Intercept)"), all.get("(Intercept)|operator[op3]").asDouble(),
                1e-5);
        JsonNode terms = j.get("terms");
        assertEquals(List.of("batch", "cask:batch", "operator"), List.of(terms.get(0).get("group").asText(),
                terms.get(1).get("group").asText(), terms.get(2).get("group").asText()));
        assertEquals(List.of(6, 18, 5), List.of(terms.get(0).get("levels").asInt(), terms.get(1).get("levels").asInt(),
                terms.get(2).get("levels").asInt()));
        for (int k = 0; k < 3; k++) {
            String label = terms.get(k).get("group").asText();
            assertEquals(ref.get("mixed.reml.omega." + label + ".(Intercept).(Intercept)"),
                    terms.get(k).get("omega").get(0).get(0).asDouble(), 1e-5, label);
            JsonNode levels = terms.get(k).get("randomEffects");
            assertEquals(terms.get(k).get("levels").asInt(), levels.size(), label);
            levels.fieldNames().forEachRemaining(level -> assertEquals(
                    ref.get("mixed.reml.ranef." + label + "." + level + ".(Intercept)"),
                    levels.get(level).get("(Intercept)").asDouble(), 1e-5, label + " " + level));
        }
    }

    @Test
    void aStructuredSigmaBesideCrossedTermsIsOneLineAndExitStatusTwo() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", crossed("penicillin.csv").toString(), "--formula",
                "diameter ~ 1 + (1|plate) + (1|sample)", "--residual", "ar1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--residual ar1 beside the random terms plate, sample"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void crossedTermsBootstrapWithoutAnNByNFactor() throws IOException {
        // the parametric bootstrap draws e = σz for a scalar Σ: no m × m factor of the one group of all rows
        Cli.Run r = Cli.run("confint", "--data", crossed("penicillin.csv").toString(), "--formula",
                "diameter ~ 1 + (1|plate) + (1|sample)", "--bootstrap", "20", "--seed", "7", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(20, j.get("replicates").asInt());
        assertEquals(0, j.get("failed").asInt());
    }

    private Path crossed(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/crossed/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }
}
