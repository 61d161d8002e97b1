package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.newton.NewtonEstimator;
import org.lmm4j.optimise.Fitting;

/** Satterthwaite's df, t and p for sleepstudy's REML fit against lmerTest's {@code summary()}. */
class SatterthwaiteTest {

    @Test
    void matchesLmerTestForEveryFixedEffect() {
        MixedModel model = Sleepstudy.model(Sleepstudy.SLOPE, Method.REML);
        FitResult fit = new NewtonEstimator().fit(model, FitOptions.defaults());
        List<FixedEffectTest> tests = Satterthwaite.tests(model, fit);
        assertEquals(2, tests.size());
        for (FixedEffectTest t : tests) {
            String key = "satterthwaite." + t.name() + ".";
            assertRelative(Sleepstudy.figure(key + "estimate"), t.estimate(), 1e-6, t.name() + " estimate");
            assertRelative(Sleepstudy.figure(key + "se"), t.se(), 1e-5, t.name() + " se");
            assertRelative(Sleepstudy.figure(key + "df"), t.df(), 1e-3, t.name() + " df");
            assertRelative(Sleepstudy.figure(key + "t"), t.t(), 1e-5, t.name() + " t");
            assertRelative(Sleepstudy.figure(key + "p"), t.p(), 1e-3, t.name() + " p");
        }
    }

    @Test
    void marginalModelHasNoCovarianceUncertaintyBeyondSigma() {
        // a linear model: Satterthwaite's df is the residual df, N − p (exactly, for REML)
        MixedModel model = Sleepstudy.model("Reaction ~ Days", Method.REML);
        FitResult fit = new NewtonEstimator().fit(model, FitOptions.defaults());
        for (FixedEffectTest t : Satterthwaite.tests(model, fit)) {
            assertRelative(178, t.df(), 1e-6, t.name() + " df");
            assertTrue(t.p() < 1e-10);
        }
    }

    /** On the criterion the fit minimised (not built again) the tests are the same numbers, ML and REML. */
    @Test
    void theFitsOwnCriterionGivesTheSameTests() {
        for (Method method : Method.values()) {
            MixedModel model = Sleepstudy.model(Sleepstudy.SLOPE, method);
            Fitting.Fitted fitted = Fitting.fitted(new NewtonEstimator(), model, FitOptions.defaults());
            assertTrue(fitted.criterion() != null, "sleepstudy's Days needs no centring");
            assertEquals(new NewtonEstimator().fit(model, FitOptions.defaults()).theta()[0], fitted.result().theta()[0]);
            List<FixedEffectTest> fresh = Satterthwaite.tests(model, fitted.result());
            List<FixedEffectTest> reused = Satterthwaite.tests(fitted.criterion(), fitted.result());
            assertEquals(fresh, reused, method.toString());
        }
    }

    /** ∂C/∂θ_k = A⁻¹C_kA⁻¹ from the Hessian's pass against Richardson differences of C(θ) = A⁻¹, ML and REML. */
    @Test
    void analyticCovarianceDerivativesEqualTheNumericalOnes() {
        for (Method method : Method.values()) {
            MixedModel model = Sleepstudy.model(Sleepstudy.SLOPE, method);
            FitResult fit = new NewtonEstimator().fit(model, FitOptions.defaults());
            ProfiledDeviance deviance = new ProfiledDeviance(model);
            double[] away = fit.theta().clone();
            for (int k = 0; k < away.length; k++) {
                away[k] *= 1 + 0.1 * (k + 1); // off the optimum too: the identity does not need a zero gradient
            }
            for (double[] theta : new double[][] {fit.theta(), away}) {
                double[][][] analytic = deviance.hessianAndCovarianceDerivatives(theta, deviance.gradient(theta))
                        .covarianceDerivatives();
                double[][] numeric = NumericalDerivative.jacobian(t -> Matrices.flatten(deviance.profile(t).covBeta()),
                        theta);
                int p = analytic[0].length;
                for (int k = 0; k < theta.length; k++) {
                    double scale = 0;
                    for (double v : numeric[k]) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int a = 0; a < p; a++) {
                        for (int b = 0; b < p; b++) {
                            assertEquals(numeric[k][a * p + b], analytic[k][a][b], 1e-6 * scale,
                                    method + " θ_" + k + " entry " + a + "," + b);
                        }
                    }
                }
            }
        }
    }

    static void assertRelative(double expected, double actual, double tolerance, String what) {
        double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
        assertTrue(rel <= tolerance, what + ": expected " + expected + ", got " + actual + " (relative " + rel + ")");
    }
}
