package org.lmm4j.app.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.ModelFactory;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;

/** An UNBOUNDED fit has deviance −∞: the JSON spells it "-Infinity" and stays valid; the text says -Inf. */
class FitJsonTest {

    private static FitResult unbounded() {
        Plugins plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        MixedModel model = ModelFactory.build(BundledData.dental(), "distance ~ Sex*age", "diagonal", "age", "Subject",
                Method.ML, plugins);
        ProfiledDeviance d = new ProfiledDeviance(model);
        double[] theta = StartValues.moments(model);
        OptimisationSummary s = new OptimisationSummary("hand", FitStatus.UNBOUNDED, "a variance went to zero", theta,
                theta, 3, 0, 7, 1_000_000, List.of(new IterationRecord(1, Double.NEGATIVE_INFINITY, Double.NaN, 1, 7)),
                List.of(), 1, org.lmm4j.api.FitOptions.defaults());
        return FitAssembler.assemble(d, s);
    }

    @Test
    void nonFiniteNumbersAreWrittenAsStrings() throws Exception {
        FitResult r = unbounded();
        String json = FitJson.toJson(r, new FitContext("distance ~ Sex*age", "dental", "Subject", 0, List.of()));
        JsonNode j = new ObjectMapper().readTree(json);
        assertEquals("UNBOUNDED", j.get("status").asText());
        assertEquals("-Infinity", j.get("deviance").asText());
        assertTrue(j.get("deviance").isTextual());
        assertEquals("NaN", j.get("trace").get(0).get("gradientNorm").asText());
        assertEquals("a variance went to zero", j.get("reason").asText());
        assertTrue(j.get("omega").isNull());
        assertEquals(4, j.get("sigma").size());
    }

    @Test
    void textSaysMinusInfinityAndTheReason() {
        String text = FitText.format(unbounded(), null);
        assertTrue(text.contains("UNBOUNDED (a variance went to zero)"), text);
        assertTrue(text.contains("-Inf"), text);
    }
}
