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
