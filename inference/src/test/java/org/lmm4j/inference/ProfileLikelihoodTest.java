package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.Method;
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
}
