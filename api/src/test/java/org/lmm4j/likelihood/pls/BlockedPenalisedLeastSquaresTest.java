package org.lmm4j.likelihood.pls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.formula.RCsv;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;
import org.lmm4j.testkit.CrossedFrames;

/**
 * The blocked factor against the dense one ({@link PenalisedLeastSquares}, itself checked against lme4 and the N × N
 * likelihood): the same −2 log L on Penicillin and on generated crossed frames of two or three terms, scalar or with
 * a slope on any term, in any order of their level counts, ML and REML.
 */
class BlockedPenalisedLeastSquaresTest {

    @Test
    void penicillinMatchesLme4sDevfun() {
        ModelFrame frame = ModelCompiler.compile(RCsv.table("penicillin.csv"), "diameter ~ 1 + (1|plate) + (1|sample)",
                CompileOptions.none()).frame();
        BlockedPenalisedLeastSquares b = new BlockedPenalisedLeastSquares(frame);
        assertEquals(30, b.randomEffects());
        assertEquals(0, b.firstTerm()); // plate: 24 levels, sample: 6
        assertEquals(6 + 1 + 1, b.denseOrder());
        assertEquals(364.62677981661, b.minus2LogLik(new double[] {1, 1}, false), 1e-9 * 365);
        assertEquals(374.797248829488, b.minus2LogLik(new double[] {0.5, 2}, true), 1e-9 * 375);
    }

    @Property(tries = 80)
    void equalsTheDenseFactor(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ModelFrame frame = CrossedFrames.generate(rnd);
        PenalisedLeastSquares dense = new PenalisedLeastSquares(frame);
        BlockedPenalisedLeastSquares blocked = new BlockedPenalisedLeastSquares(frame);
        assertEquals(dense.randomEffects(), blocked.randomEffects());
        double[] theta = new double[dense.thetaLength()];
        int at = 0;
        for (RandomEffectsTerm t : frame.terms()) {
            for (int c = 0; c < t.q(); c++) {
                for (int r = c; r < t.q(); r++) {
                    theta[at++] = r == c ? (rnd.nextInt(6) == 0 ? 0 : 0.2 + 2 * rnd.nextDouble()) : rnd.nextGaussian();
                }
            }
        }
        for (boolean reml : new boolean[] {false, true}) {
            double expected = dense.minus2LogLik(theta, reml);
            assertEquals(expected, blocked.minus2LogLik(theta, reml), 1e-10 * Math.abs(expected), "seed " + seed);
        }
    }

    /**
     * A frame large enough for the parallel splits (dense order above 256): the factorisation with the work split among
     * the workers gives the same bits as without, value, solution and inverse blocks.
     */
    @Test
    void sameBitsWhateverTheSplit() {
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 4000;
        double[] y = new double[n];
        double[] x = new double[n];
        String[][] codes = new String[3][n];
        int[] levels = {900, 400, 12};
        for (int j = 0; j < n; j++) {
            x[j] = rnd.nextGaussian();
            y[j] = 1 + 0.3 * x[j] + rnd.nextGaussian();
            for (int t = 0; t < 3; t++) {
                int lv = j < levels[t] ? j : rnd.nextInt(levels[t]);
                codes[t][j] = "f" + t + "_" + lv;
                y[j] += 0.5 * Math.sin(lv + t);
            }
        }
        java.util.List<RandomEffectsTerm> terms = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            terms.add(org.lmm4j.testkit.HandFrames.term("f" + t, java.util.List.of("f" + t), codes[t],
                    java.util.List.of("(Intercept)"), new double[][] {org.lmm4j.testkit.HandFrames.ones(n)}, "free"));
        }
        ModelFrame frame = org.lmm4j.testkit.HandFrames.frame(y, java.util.List.of("(Intercept)", "x"),
                new double[][] {org.lmm4j.testkit.HandFrames.ones(n), x}, "y", terms);
        BlockedPenalisedLeastSquares b = new BlockedPenalisedLeastSquares(frame);
        double[][] lambda = {{0.7}, {0.4}, {0.2}};
        for (boolean reml : new boolean[] {false, true}) {
            BlockedPenalisedLeastSquares.Evaluation serial = b.evaluate(lambda, reml,
                    BlockedPenalisedLeastSquares.INVERSE, false);
            BlockedPenalisedLeastSquares.Evaluation split = b.evaluate(lambda, reml,
                    BlockedPenalisedLeastSquares.INVERSE, true);
            assertEquals(serial.logDetM(), split.logDetM(), 0);
            assertEquals(serial.prss(), split.prss(), 0);
            assertEquals(serial.logDetRx(), split.logDetRx(), 0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(serial.beta(), split.beta(), 0);
            for (int k = 0; k < 3; k++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(serial.u()[k], split.u()[k], 0);
                org.junit.jupiter.api.Assertions.assertArrayEquals(serial.inverseBlocks()[k], split.inverseBlocks()[k], 0);
            }
            double[] theta = {0.7, 0.4, 0.2};
            assertEquals(new PenalisedLeastSquares(frame).minus2LogLik(theta, reml), serial.minus2LogLik(reml),
                    1e-10 * Math.abs(serial.minus2LogLik(reml)));
        }
    }
}
