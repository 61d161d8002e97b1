package org.lmm4j.inference;

import static org.lmm4j.inference.SatterthwaiteTest.assertRelative;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.Method;
import org.lmm4j.newton.NewtonEstimator;

/** Wald intervals of sleepstudy's ML fit against lme4's {@code confint(m, method = "Wald")}. */
class WaldIntervalsTest {

    @Test
    void matchLme4() {
        var fit = new NewtonEstimator().fit(Sleepstudy.model(Sleepstudy.SLOPE, Method.ML), FitOptions.defaults());
        for (Interval ci : WaldIntervals.of(fit, 0.95)) {
            assertRelative(Sleepstudy.figure("wald." + ci.parameter() + ".lower"), ci.lower(), 1e-6, ci.parameter());
            assertRelative(Sleepstudy.figure("wald." + ci.parameter() + ".upper"), ci.upper(), 1e-6, ci.parameter());
        }
    }
}
