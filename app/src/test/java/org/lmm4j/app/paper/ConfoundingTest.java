package org.lmm4j.app.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.likelihood.Diagnostics;

/**
 * Of the paper's three random-coefficient models only the random/free one has its random intercept
 * and slope in the span of the fixed effects (each child's own line), so only there is Ω not
 * identified; a common line or a line per gender leaves every child's deviation to Ω.
 */
class ConfoundingTest {

    private final PaperAnalysis analysis = new PaperAnalysis(
            Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class), BundledData.dental());

    @Test
    void onlyTheFreeMeanConfoundsTheRandomLines() {
        assertEquals(false, Diagnostics.randomEffectsConfounded(analysis.model(PaperMean.EQUAL, PaperSigma.RANDOM).data()));
        assertEquals(false, Diagnostics.randomEffectsConfounded(analysis.model(PaperMean.GENDER, PaperSigma.RANDOM).data()));
        assertEquals(true, Diagnostics.randomEffectsConfounded(analysis.model(PaperMean.FREE, PaperSigma.RANDOM).data()));
    }

    @Test
    void theParameterCountsAreThePapers() {
        // paper-targets.md, Table 1: (3) (5) (55) / (6) (8) (58) / (12) (14) (64) / (6) (8) (58)
        int[][] expected = {{3, 5, 55}, {6, 8, 58}, {12, 14, 64}, {6, 8, 58}};
        for (PaperSigma s : PaperSigma.values()) {
            for (PaperMean m : PaperMean.values()) {
                assertEquals(expected[s.ordinal()][m.ordinal()], analysis.model(m, s).parameterCount(), m + "/" + s);
            }
        }
    }
}
