package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.CrossedTerms;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;
import org.lmm4j.testkit.CrossedFrames;
import org.lmm4j.testkit.NestedFrames;

/**
 * The crossed-terms path of {@link ProfiledDeviance} against independent truths on generated crossed frames (two or
 * three factors, a slope on one term by chance), ML and REML: the criterion equals the N × N likelihood
 * ({@link NestedFrames#criterion}); the analytic gradient equals central differences of the criterion in the
 * interior, and one-sided forward differences where a variance is at zero; the Hessian is symmetric and equals central
 * differences of the gradient.
 */
class CrossedDevianceTest {

    record Case(MixedModel model, ModelFrame frame, double[] theta) {
    }

    static Case generate(long seed, boolean boundary) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ModelFrame frame = CrossedFrames.generate(rnd);
        CrossedTerms crossed = new CrossedTerms(frame, labels(frame));
        List<TermBlocks.Block> blocks = new ArrayList<>();
        for (int k = 0; k < frame.terms().size(); k++) {
            RandomEffectsTerm t = frame.terms().get(k);
            blocks.add(new TermBlocks.Block(crossed.labels().get(k), new SufficientStatisticsProperties.Free(), t.q(), 1));
        }
        Method method = rnd.nextBoolean() ? Method.ML : Method.REML;
        MixedModel model = new MixedModel(crossed.data(), new SufficientStatisticsProperties.Scalar(),
                TermBlocks.of(blocks), method, crossed);
        List<Double> theta = new ArrayList<>();
        theta.add(0.5 + rnd.nextDouble());
        int zeroTerm = boundary ? rnd.nextInt(frame.terms().size()) : -1;
        for (int k = 0; k < frame.terms().size(); k++) {
            int q = frame.terms().get(k).q();
            // Ω_k = A A' + small ridge, lower triangle by rows (the test Free structure's θ); zero for the boundary term
            double[][] a = new double[q][q];
            for (int i = 0; i < q; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = i == j ? 0.3 + rnd.nextDouble() : 0.4 * rnd.nextGaussian();
                }
            }
            for (int i = 0; i < q; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int c = 0; c < q; c++) {
                        s += a[i][c] * a[j][c];
                    }
                    theta.add(k == zeroTerm ? 0 : s);
                }
            }
        }
        double[] th = theta.stream().mapToDouble(Double::doubleValue).toArray();
        return new Case(model, frame, th);
    }

    private static List<String> labels(ModelFrame frame) {
        List<String> out = new ArrayList<>();
        for (RandomEffectsTerm t : frame.terms()) {
            out.add(t.group());
        }
        return out;
    }

    @Property(tries = 40)
    void criterionEqualsTheDenseLikelihood(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        Case c = generate(seed, seed % 3 == 0);
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        assertTrue(dev.isCrossed());
        CovarianceMatrices cm = dev.covariances(c.theta());
        List<double[][]> omegas = new ArrayList<>();
        for (int k = 0; k < c.frame().terms().size(); k++) {
            int q = c.frame().terms().get(k).q();
            int o = c.model().crossed().columnOffset(k);
            double[][] om = new double[q][q];
            for (int a = 0; a < q; a++) {
                System.arraycopy(cm.omega()[o + a], o, om[a], 0, q);
            }
            omegas.add(om);
        }
        double expected = NestedFrames.criterion(c.frame(), omegas, cm.sigma()[0][0],
                c.model().method() == Method.REML);
        assertEquals(expected, dev.criterion(c.theta()), 1e-9 * Math.abs(expected), "seed " + seed);
    }

    @Property(tries = 40)
    void gradientMatchesFiniteDifferences(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        Case c = generate(seed, false);
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        Gradient g = dev.gradient(c.theta());
        assertNotNull(g);
        assertEquals(dev.criterion(c.theta()), g.criterion(), 1e-12 * Math.abs(g.criterion()));
        for (int k = 0; k < c.theta().length; k++) {
            double h = 1e-5 * Math.max(1, Math.abs(c.theta()[k]));
            double[] up = c.theta().clone();
            double[] down = c.theta().clone();
            up[k] += h;
            down[k] -= h;
            double fd = (dev.criterion(up) - dev.criterion(down)) / (2 * h);
            assertEquals(fd, g.theta()[k], 1e-5 * Math.max(1, Math.abs(fd)), "seed " + seed + ", θ_" + k);
        }
        double[][] hess = dev.hessian(c.theta(), g).hessian();
        for (int k = 0; k < c.theta().length; k++) {
            // central differences with a step relative to the coordinate: an absolute 1e-4 at θ_k = 0.12 (seed 2705)
            // was itself 8.5e-5 off, the criterion's derivatives growing like powers of 1/0.03 there
            double h = 1e-5 * Math.max(Math.abs(c.theta()[k]), 1e-2);
            double[] up = c.theta().clone();
            double[] down = c.theta().clone();
            up[k] += h;
            down[k] -= h;
            double[] gu = dev.gradient(up).theta();
            double[] gd = dev.gradient(down).theta();
            for (int l = 0; l < c.theta().length; l++) {
                assertEquals(hess[l][k], hess[k][l], 0);
                double fd = (gu[l] - gd[l]) / (2 * h);
                // σ²'s row and column come from the scale identity Hθ = −g − ∇ρ, which carries the forward-difference
                // errors of the other columns divided by σ²: 3.4e-4 relative at seed 7048 (a variance of 0.0025). The
                // others are forward differences at 1e-6 of the coordinate, whose truncation error h·g'''/2 is linear
                // in the step (measured at seed 2705: 8.6e-5 at 1e-6, 2.6e-4 at 3e-6, 8.7e-4 at 1e-5) and reaches
                // 1.2e-4 where the criterion curves sharply (seed 29428, once in 6000 tries)
                double tol = k == 0 || l == 0 ? 1e-3 : 5e-4;
                assertEquals(fd, hess[l][k], tol * Math.max(1, Math.abs(fd)), "seed " + seed + ", H_" + l + k);
            }
        }
    }

    /**
     * With one term's Ω_k = 0 the gradient of that term's variances is the one-sided derivative: forward differences
     * of the criterion (Ω_k + h E_aa stays positive semi-definite); the other coordinates are still two-sided.
     */
    @Property(tries = 30)
    void gradientAtAZeroVarianceIsOneSided(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        Case c = generate(seed, true);
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        Gradient g = dev.gradient(c.theta());
        assertNotNull(g);
        double f0 = dev.criterion(c.theta());
        for (int k = 0; k < c.theta().length; k++) {
            double h = 1e-6 * Math.max(1, Math.abs(c.theta()[k]));
            double[] up = c.theta().clone();
            up[k] += h;
            double[] up2 = c.theta().clone();
            up2[k] += 2 * h;
            if (c.theta()[k] == 0 && !isDiagonal(c, k)) {
                continue; // an off-diagonal entry of a zero Ω_k: any move leaves the cone
            }
            double fd = (-3 * f0 + 4 * dev.criterion(up) - dev.criterion(up2)) / (2 * h);
            assertEquals(fd, g.theta()[k], 1e-4 * Math.max(1, Math.abs(fd)), "seed " + seed + ", θ_" + k);
        }
    }

    /** True when θ_k is a variance (a diagonal entry of its Ω_k) in the test Free structure's lower-by-rows order. */
    private static boolean isDiagonal(Case c, int k) {
        int at = 1;
        for (RandomEffectsTerm t : c.frame().terms()) {
            for (int a = 0; a < t.q(); a++) {
                for (int b = 0; b <= a; b++) {
                    if (at++ == k) {
                        return a == b;
                    }
                }
            }
        }
        return true;
    }
}
