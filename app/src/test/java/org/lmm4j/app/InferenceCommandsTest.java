package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference commands on the bundled dental data: DESIGN §3's JSON of fit's fixedEffectTests, anova, confint and
 * predict, the plots they write, and one-line input errors. (The figures themselves are checked against lme4 and
 * lmerTest in the inference module's tests.)
 */
class InferenceCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOPE = "distance ~ age + (age | Subject)";
    private static final String INTERCEPT = "distance ~ age + (1 | Subject)";

    @Test
    void fitJsonHasSatterthwaiteTestsForEveryFixedEffect() throws Exception {
        Cli.Run r = Cli.run("fit", "--formula", SLOPE, "--method", "REML", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode tests = JSON.readTree(r.out()).get("fixedEffectTests");
        assertEquals(List.of("(Intercept)", "age"), iterable(tests.fieldNames()));
        for (JsonNode t : tests) {
            assertTrue(t.get("df").asDouble() > 1 && t.get("df").asDouble() < 108, t.toString());
            assertEquals(t.get("estimate").asDouble() / t.get("se").asDouble(), t.get("t").asDouble(), 1e-9);
            assertTrue(t.get("p").asDouble() >= 0 && t.get("p").asDouble() <= 1, t.toString());
        }
        Cli.Run none = Cli.run("fit", "--formula", SLOPE, "--ddf", "none", "--format", "json");
        assertTrue(JSON.readTree(none.out()).get("fixedEffectTests") == null, none.out());
    }

    @Test
    void anovaJsonListsModelsByIncreasingNpar() throws Exception {
        Cli.Run r = Cli.run("anova", "--formula", SLOPE, "--formula", INTERCEPT, "--format", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode models = JSON.readTree(r.out()).get("models");
        assertEquals(INTERCEPT, models.get(0).get("formula").asText());
        assertTrue(models.get(0).get("chisq").isNull());
        assertEquals(2, models.get(1).get("df").asInt());
        double chisq = models.get(0).get("deviance").asDouble() - models.get(1).get("deviance").asDouble();
        assertEquals(chisq, models.get(1).get("chisq").asDouble(), 1e-9);
        for (String k : List.of("npar", "aic", "bic", "logLik", "deviance", "p")) {
            assertTrue(models.get(1).has(k), k);
        }
    }

    @Test
    void anovaComparesResidualStructuresOfOneFormula() {
        Cli.Run r = Cli.run("anova", "--formula", "distance ~ Sex*age", "--group", "Subject", "--time", "age",
                "--residual", "scalar,cs,toeplitz");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("[toeplitz]") && r.out().contains("Pr(>Chisq)"), r.out());
    }

    @Test
    void anovaOfModelsThatAreNotNestedIsAnInputError() {
        Cli.Run r = Cli.run("anova", "--formula", "distance ~ age + (1 | Subject)", "--formula",
                "distance ~ Sex + (age | Subject)");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("not nested") && r.err().lines().count() == 1, r.err());
    }

    @Test
    void confintGivesProfileWaldAndBootstrapIntervalsInLme4Names(@TempDir Path dir) throws Exception {
        Path plot = dir.resolve("profile.svg");
        Cli.Run profile = Cli.run("confint", "--formula", SLOPE, "--format", "json", "--plot", plot.toString());
        assertEquals(0, profile.exit(), profile.err());
        JsonNode p = JSON.readTree(profile.out());
        assertEquals("profile", p.get("method").asText());
        assertEquals(List.of("sd_(Intercept)|Subject", "cor_age.(Intercept)|Subject", "sd_age|Subject", "sigma",
                "(Intercept)", "age"), names(p.get("intervals")));
        for (JsonNode ci : p.get("intervals")) {
            assertTrue(ci.get("lower").asDouble() < ci.get("estimate").asDouble()
                    && ci.get("estimate").asDouble() < ci.get("upper").asDouble(), ci.toString());
        }
        assertTrue(Files.readString(plot).contains("<svg"));
        Cli.Run wald = Cli.run("confint", "--formula", SLOPE, "--wald", "--format", "json");
        assertEquals(List.of("(Intercept)", "age"), names(JSON.readTree(wald.out()).get("intervals")));
        Cli.Run boot = Cli.run("confint", "--formula", SLOPE, "--bootstrap", "20", "--seed", "3", "--format", "json");
        assertEquals(0, boot.exit(), boot.err());
        JsonNode b = JSON.readTree(boot.out());
        assertEquals("bootstrap", b.get("method").asText());
        assertEquals(20, b.get("replicates").asInt());
        assertEquals(6, b.get("intervals").size());
        assertTrue(boot.err().contains("bootstrap"), "a progress bar on standard error: " + boot.err());
        for (JsonNode row : b.get("intervals")) {
            assertTrue(row.get("lowerMonteCarloError").asDouble() >= 0 && row.get("upperMonteCarloError").asDouble() >= 0,
                    row.toString());
        }
        Cli.Run bc = Cli.run("confint", "--formula", SLOPE, "--bootstrap", "20", "--seed", "3", "--bias-corrected",
                "--format", "json");
        assertEquals(0, bc.exit(), bc.err());
        JsonNode c = JSON.readTree(bc.out());
        assertTrue(c.get("biasCorrected").asBoolean());
        assertEquals(6, c.get("intervals").size());
        Cli.Run alone = Cli.run("confint", "--formula", SLOPE, "--bias-corrected");
        assertEquals(2, alone.exit());
        assertTrue(alone.err().contains("--bootstrap"), alone.err());
    }

    @Test
    void predictWritesFittedFixedAndResidualColumns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("fitted.csv");
        Cli.Run r = Cli.run("predict", "--formula", SLOPE, "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(109, lines.size());
        assertTrue(lines.get(0).endsWith(",fitted,fixed,residual"), lines.get(0));
        String[] first = lines.get(1).split(",");
        double y = Double.parseDouble(first[0]);
        double fitted = Double.parseDouble(first[first.length - 3]);
        double residual = Double.parseDouble(first[first.length - 1]);
        assertEquals(y - fitted, residual, 1e-9);

        Path newData = dir.resolve("new.csv");
        Files.writeString(newData, "age,Subject\n8,M01\n8,NEW\n");
        Path predicted = dir.resolve("predicted.csv");
        r = Cli.run("predict", "--formula", SLOPE, "--newdata", newData.toString(), "--out", predicted.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("1 row belongs to a group the fit has not seen"), r.out());
        List<String> rows = Files.readAllLines(predicted);
        assertEquals("age,Subject,fitted,fixed", rows.get(0));
        String[] unseen = rows.get(2).split(",");
        assertEquals(unseen[2], unseen[3]);

        Files.writeString(newData, "Subject\nM01\n");
        r = Cli.run("predict", "--formula", SLOPE, "--newdata", newData.toString(), "--out", predicted.toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("no column 'age'"), r.err());
    }

    @Test
    void diagnosticsWritesEveryPlotAsPngAndSvg(@TempDir Path dir) throws Exception {
        Cli.Run r = Cli.run("diagnostics", "--formula", SLOPE, "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("residuals-fitted", "qq-residuals", "qq-random-effects", "caterpillar")) {
            byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name);
            assertTrue(Files.readString(dir.resolve(name + ".svg")).contains("<svg"), name);
        }
    }

    private static List<String> names(JsonNode intervals) {
        List<String> out = new java.util.ArrayList<>();
        intervals.forEach(n -> out.add(n.get("parameter").asText()));
        return out;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
