package org.lmm4j.likelihood.pls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
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
import org.lmm4j.testkit.HandFrames;
import org.lmm4j.testkit.NestedFrames;

/**
 * The penalised-least-squares criterion against two independent truths: lme4's {@code devfun} on Penicillin's
 * crossed plates and samples (figures by {@code pls/penicillin-devfun.R}, output beside it), and the dense N × N
 * likelihood ({@link NestedFrames#criterion}) on generated crossed and nested frames at random θ.
 */
class PenalisedLeastSquaresTest {

    private static final String PENICILLIN = "diameter ~ 1 + (1|plate) + (1|sample)";

    private static ModelFrame penicillin() {
        return ModelCompiler.compile(RCsv.table("penicillin.csv"), PENICILLIN, CompileOptions.none()).frame();
    }

    /** lme4 1.1-31's devfun values, from pls/penicillin-devfun.out. */
    @Test
    void penicillinMatchesLme4sDevfun() {
        PenalisedLeastSquares pls = new PenalisedLeastSquares(penicillin());
        assertEquals(2, pls.thetaLength());
        assertEquals(30, pls.randomEffects());
        assertRelative(364.62677981661, pls.minus2LogLik(new double[] {1, 1}, false));
        assertRelative(375.692879177721, pls.minus2LogLik(new double[] {0.5, 2}, false));
        assertRelative(365.073413956823, pls.minus2LogLik(new double[] {1, 1}, true));
        assertRelative(374.797248829488, pls.minus2LogLik(new double[] {0.5, 2}, true));
        double[] ml = {1.53759356824929, 3.21975412985253};
        assertRelative(332.188348668501, pls.minus2LogLik(ml, false));
        assertRelative(0.549932192324602 * 0.549932192324602, pls.sigma2(ml, false));
        double[] reml = {1.53967774529585, 3.51241584074017};
        assertRelative(0.549923126502263 * 0.549923126502263, pls.sigma2(reml, true));
        assertRelative(330.860588991086, pls.minus2LogLik(reml, true));
    }

    /**
     * Crossed (two factors drawn independently) and nested frames, an intercept and slope on the first term, at a
     * random θ: −2 log L by PLS equals the N × N likelihood at Ω_k = σ̂²Λ_kΛ_k', σ² = σ̂²(θ), plus N log 2π
     * ((N − p) log 2π for REML), to 1e-9.
     */
    @Property(tries = 60)
    void equalsTheDenseLikelihood(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ModelFrame frame = rnd.nextBoolean() ? crossed(rnd) : NestedFrames.generate(rnd, 3 + rnd.nextInt(4),
                2 + rnd.nextInt(2), rnd.nextBoolean(), "free", "free");
        PenalisedLeastSquares pls = new PenalisedLeastSquares(frame);
        double[] theta = new double[pls.thetaLength()];
        int at = 0;
        for (RandomEffectsTerm t : frame.terms()) {
            for (int c = 0; c < t.q(); c++) {
                for (int r = c; r < t.q(); r++) {
                    theta[at++] = r == c ? 0.2 + 2 * rnd.nextDouble() : rnd.nextGaussian();
                }
            }
        }
        boolean reml = rnd.nextBoolean();
        double sigma2 = pls.sigma2(theta, reml);
        List<double[][]> omegas = List.of(pls.omegas(theta, reml));
        double df = reml ? frame.observations() - frame.p() : frame.observations();
        double expected = NestedFrames.criterion(frame, omegas, sigma2, reml) + df * Math.log(2 * Math.PI);
        assertEquals(expected, pls.minus2LogLik(theta, reml), 1e-9 * Math.abs(expected), "seed " + seed);
    }

    /** Two crossed factors a (3–6 levels) and b (2–5 levels), every row a random pair, an intercept and slope on a. */
    private static ModelFrame crossed(SplittableRandom rnd) {
        int la = 3 + rnd.nextInt(4);
        int lb = 2 + rnd.nextInt(4);
        int n = 12 + rnd.nextInt(20);
        String[] a = new String[n];
        String[] b = new String[n];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            a[j] = "a" + (j < la ? j : rnd.nextInt(la));
            b[j] = "b" + (j < lb ? j : rnd.nextInt(lb));
            x[j] = rnd.nextGaussian();
            y[j] = 2 + 0.5 * x[j] + rnd.nextGaussian();
        }
        List<RandomEffectsTerm> terms = new ArrayList<>();
        terms.add(HandFrames.term("a", List.of("a"), a, List.of("(Intercept)", "x"),
                new double[][] {HandFrames.ones(n), x}, "free"));
        terms.add(HandFrames.term("b", List.of("b"), b, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                "free"));
        return HandFrames.frame(y, List.of("(Intercept)", "x"), new double[][] {HandFrames.ones(n), x}, "y", terms);
    }

    private static void assertRelative(double expected, double actual) {
        assertEquals(expected, actual, 1e-9 * Math.abs(expected));
    }
}
