package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.newton.NewtonEstimator;

/**
 * The parametric bootstrap of sleepstudy's ML fit: its percentile intervals against lme4's (1000 refits,
 * {@code confint(method = "boot")}) and, for the fixed effects and σ, against the profile intervals, within
 * Monte Carlo error; reproducible whatever the number of threads.
 *
 * <p>The standard error of a 2.5% quantile of n draws is about sd √(0.025·0.975/n) / φ(1.96) = 2.67 sd / √n, with
 * sd ≈ interval width / 3.92. The random effects' standard deviations are biased down in small samples (18
 * subjects), so their percentile intervals sit below the profile intervals — in lme4's bootstrap too — and are
 * compared with lme4's only; the correlation's upper end piles up at 1 (singular refits).
 */
class ParametricBootstrapTest {

    private static final int REFITS = 300;

    @Test
    void percentileIntervalsAgreeWithLme4AndWithTheProfileWithinMonteCarloError() {
        MixedModel model = Sleepstudy.model(Sleepstudy.SLOPE, Method.ML);
        NewtonEstimator newton = new NewtonEstimator();
        FitResult fit = newton.fit(model, FitOptions.defaults());
        ParametricBootstrap.Result boot = ParametricBootstrap.run(model, fit, newton, FitOptions.defaults(), REFITS, 7,
                0.95, 2, k -> { });
        List<Interval> profile = new ProfileLikelihood(model, newton, FitOptions.defaults(), fit).intervals(0.95);
        assertEquals(0, boot.failed());
        assertEquals(REFITS, boot.perWorker().stream().mapToInt(Integer::intValue).sum());
        for (int j = 0; j < profile.size(); j++) {
            Interval b = boot.intervals().get(j);
            Interval p = profile.get(j);
            assertEquals(p.parameter(), b.parameter());
            double lower = Sleepstudy.figure("bootstrap." + b.parameter() + ".lower");
            double upper = Sleepstudy.figure("bootstrap." + b.parameter() + ".upper");
            double sd = (upper - lower) / 3.92;
            double lme4Error = 4 * 2.67 * sd * Math.sqrt(1.0 / REFITS + 1.0 / 1000);
            assertTrue(Math.abs(b.lower() - lower) < lme4Error, b + " vs lme4's " + lower + " " + upper);
            assertTrue(Math.abs(b.upper() - upper) < lme4Error, b + " vs lme4's " + lower + " " + upper);
            if (j >= 3) {
                double profileError = 4 * 2.67 * sd / Math.sqrt(REFITS);
                assertTrue(Math.abs(b.lower() - p.lower()) < profileError, b + " vs " + p);
                assertTrue(Math.abs(b.upper() - p.upper()) < profileError, b + " vs " + p);
            }
        }
    }

    /**
     * On a model the data determine well (100 subjects × 10 occasions from y = 10 + 0.5t + u₀ + u₁t + e, Ω = [[4,
     * 0.3], [0.3, 0.25]], σ² = 1), 1000 refits: every end of every bias-corrected percentile interval lies within
     * three Monte Carlo standard errors of the profile interval's end. The plain percentile intervals of the two
     * standard deviations do not (ML's downward bias), which is what the correction is for.
     */
    @Test
    void biasCorrectedPercentileIntervalsAgreeWithTheProfileWithinMonteCarloError() {
        MixedModel model = new MixedModel(simulated(100, 10, 7), new org.lmm4j.structures.ScalarStructure(),
                new org.lmm4j.structures.FreeStructure(), Method.ML);
        NewtonEstimator newton = new NewtonEstimator();
        FitResult fit = newton.fit(model, FitOptions.defaults());
        ParametricBootstrap.Result boot = ParametricBootstrap.run(model, fit, newton, FitOptions.defaults(), 1000, 3,
                0.95, 2, k -> { });
        List<Interval> profile = new ProfileLikelihood(model, newton, FitOptions.defaults(), fit).intervals(0.95);
        int plainMisses = 0;
        for (int j = 0; j < profile.size(); j++) {
            Interval p = profile.get(j);
            Interval bc = boot.biasCorrected().get(j);
            Interval plain = boot.intervals().get(j);
            double[] se = boot.monteCarloError().get(j);
            assertEquals(p.parameter(), bc.parameter());
            assertTrue(Math.abs(bc.lower() - p.lower()) < 3 * se[0], bc + " vs " + p + ", MC se " + se[0]);
            assertTrue(Math.abs(bc.upper() - p.upper()) < 3 * se[1], bc + " vs " + p + ", MC se " + se[1]);
            if (Math.abs(plain.lower() - p.lower()) > 3 * se[0] || Math.abs(plain.upper() - p.upper()) > 3 * se[1]) {
                plainMisses++;
                assertTrue(p.parameter().startsWith("sd_"), "plain percentile " + plain + " vs " + p);
            }
        }
        assertTrue(plainMisses > 0, "the plain percentile intervals of the sds should show ML's bias");
    }

    /** n subjects × m occasions t = 0..m−1 from y = 10 + 0.5t + u₀ + u₁t + e, Ω = [[4, 0.3], [0.3, 0.25]], σ² = 1. */
    private static org.lmm4j.model.ModelData simulated(int n, int m, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double l00 = 2;
        double l10 = 0.3 / l00;
        double l11 = Math.sqrt(0.25 - l10 * l10);
        List<org.lmm4j.model.Group> groups = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            double g0 = random.nextGaussian();
            double g1 = random.nextGaussian();
            double u0 = l00 * g0;
            double u1 = l10 * g0 + l11 * g1;
            double[] y = new double[m];
            double[] x = new double[2 * m];
            int[] occasion = new int[m];
            for (int t = 0; t < m; t++) {
                y[t] = 10 + 0.5 * t + u0 + u1 * t + random.nextGaussian();
                x[2 * t] = 1;
                x[2 * t + 1] = t;
                occasion[t] = t;
            }
            groups.add(new org.lmm4j.model.Group("s" + i, y, x, x.clone(), occasion));
        }
        List<String> occasions = java.util.stream.IntStream.range(0, m).mapToObj(String::valueOf).toList();
        return new org.lmm4j.model.ModelData(groups, List.of("(Intercept)", "t"), List.of("(Intercept)", "t"), "y",
                "subj", occasions, 0, List.of());
    }

    @Test
    void resultDoesNotDependOnTheNumberOfThreads() {
        MixedModel model = Sleepstudy.model(Sleepstudy.INTERCEPT, Method.ML);
        NewtonEstimator newton = new NewtonEstimator();
        FitResult fit = newton.fit(model, FitOptions.defaults());
        double[][] one = ParametricBootstrap.run(model, fit, newton, FitOptions.defaults(), 20, 3, 0.95, 1, k -> { }).samples();
        double[][] two = ParametricBootstrap.run(model, fit, newton, FitOptions.defaults(), 20, 3, 0.95, 2, k -> { }).samples();
        assertEquals(one.length, two.length);
        for (int k = 0; k < one.length; k++) {
            assertArrayEquals(one[k], two[k]);
        }
    }
}
