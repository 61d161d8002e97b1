package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.newton.NewtonEstimator;

/** Profile intervals for sleepstudy's ML fit against lme4's {@code confint(m, method = "profile")}. */
class ProfileLikelihoodTest {

    @Test
    void allSixIntervalsMatchLme4() {
        ProfileLikelihood profile = new ProfileLikelihood(Sleepstudy.model(Sleepstudy.SLOPE, Method.ML),
                new NewtonEstimator(), FitOptions.defaults(), null);
        List<Interval> intervals = profile.intervals(0.95);
        assertEquals(List.of("sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject", "sigma",
                "(Intercept)", "Days"), intervals.stream().map(Interval::parameter).toList());
        for (Interval ci : intervals) {
            String key = "profile." + ci.parameter() + ".";
            SatterthwaiteTest.assertRelative(Sleepstudy.figure(key + "lower"), ci.lower(), 2e-3, ci.parameter() + " lower");
            SatterthwaiteTest.assertRelative(Sleepstudy.figure(key + "upper"), ci.upper(), 2e-3, ci.parameter() + " upper");
        }
    }

    /**
     * On data drawn from sleepstudy's fit, every profile is a proper trace: ζ rises with the value held, is 0 only at
     * the estimate, and the interval contains the estimate strictly (a refit stuck in a mirror image of the optimum,
     * e.g. a negative standard deviation with the correlation held, shows as a jump of ζ beside the estimate).
     */
    @Test
    void profilesOfSimulatedDataRiseThroughTheEstimate() {
        MixedModel model = Sleepstudy.model(Sleepstudy.SLOPE, Method.ML);
        NewtonEstimator newton = new NewtonEstimator();
        FitResult fit = newton.fit(model, FitOptions.defaults());
        ParametricBootstrap.Draw draw = new ParametricBootstrap.Draw(model.data(), fit);
        for (long seed = 1; seed <= 4; seed++) {
            MixedModel m = new MixedModel(draw.sample(new SplittableRandom(seed)), model.residual(), model.randomEffects(),
                    Method.ML);
            for (Interval ci : new ProfileLikelihood(m, newton, FitOptions.defaults(), null).intervals(0.95)) {
                boolean bounded = ci.parameter().startsWith("cor_") && Math.abs(Math.abs(ci.estimate()) - 1) < 1e-8;
                assertTrue(bounded ? ci.lower() <= ci.estimate() && ci.estimate() <= ci.upper()
                        : ci.lower() < ci.estimate() && ci.estimate() < ci.upper(), "seed " + seed + ": " + ci);
                List<ProfilePoint> t = ci.trace();
                for (int k = 1; k < t.size(); k++) {
                    assertTrue(t.get(k).zeta() > t.get(k - 1).zeta(), "seed " + seed + ", ζ not rising: " + ci);
                }
                for (ProfilePoint p : t) {
                    double near = Math.abs(p.value() - ci.estimate()) / (ci.upper() - ci.lower());
                    assertTrue(near > 0.01 || Math.abs(p.zeta()) < 0.5, "seed " + seed + ", ζ jumps beside the estimate: " + ci);
                }
            }
        }
    }
}
