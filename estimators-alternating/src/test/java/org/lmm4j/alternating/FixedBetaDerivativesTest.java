package org.lmm4j.alternating;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;

/**
 * The θ-step's derivatives against finite differences, on data with missing occasions and random effects:
 * ProfiledDeviance.gradientAtBeta (∂F(β,θ)/∂θ at fixed β) and the ML Fisher information, which for structures
 * linear in θ is minus the Hessian of Σ_i log det V_i.
 */
class FixedBetaDerivativesTest {

    private static MixedModel model(Method method) {
        return RandomModels.model(42, 12, 4, 2, 0.25, "diagonal", method);
    }

    private static double[] point(MixedModel model) {
        double[] theta = StartValues.moments(model);
        for (int k = 0; k < theta.length; k++) {
            theta[k] *= 1.1 + 0.05 * k;
        }
        return theta;
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void gradientAtFixedBetaMatchesFiniteDifferences(Method method) {
        MixedModel model = model(method);
        ProfiledDeviance d = new ProfiledDeviance(model);
        FixedBetaObjective f = new FixedBetaObjective(d);
        double[] theta = point(model);
        double[] beta = d.profile(theta).beta().clone();
        beta[0] += 0.3; // away from β̂(θ), where the gradient differs from the profiled one
        Gradient g = d.gradientAtBeta(beta, theta);
        assertEquals(f.value(beta, theta), g.criterion(), 1e-9);
        double[] numeric = new double[theta.length];
        for (int k = 0; k < theta.length; k++) {
            double h = 1e-6 * (1 + Math.abs(theta[k]));
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[k] += h;
            down[k] -= h;
            numeric[k] = (f.value(beta, up) - f.value(beta, down)) / (2 * h);
        }
        assertArrayEquals(numeric, g.theta(), 1e-5 * (1 + norm(numeric)));
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void gradientAtBetaHatIsTheProfiledGradient(Method method) {
        MixedModel model = model(method);
        ProfiledDeviance d = new ProfiledDeviance(model);
        double[] theta = point(model);
        Gradient profiled = d.gradient(theta);
        Gradient fixed = d.gradientAtBeta(profiled.profile().beta(), theta);
        assertArrayEquals(profiled.theta(), fixed.theta(), 1e-9 * (1 + profiled.norm()));
        assertEquals(profiled.criterion(), fixed.criterion(), 1e-8);
    }

    @org.junit.jupiter.api.Test
    void fisherInformationIsMinusTheHessianOfTheLogDeterminant() {
        MixedModel model = model(Method.ML);
        ProfiledDeviance d = new ProfiledDeviance(model);
        double[] theta = point(model);
        int k = theta.length;
        double[] info = org.lmm4j.likelihood.ExpectedInformation.compute(d, theta, null);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double ha = 1e-4 * (1 + Math.abs(theta[a]));
                double hb = 1e-4 * (1 + Math.abs(theta[b]));
                double second = (logDet(d, theta, a, ha, b, hb) - logDet(d, theta, a, ha, b, -hb)
                        - logDet(d, theta, a, -ha, b, hb) + logDet(d, theta, a, -ha, b, -hb)) / (4 * ha * hb);
                assertEquals(-second, info[a * k + b], 1e-5 * (1 + Math.abs(second)), "I[" + a + "," + b + "]");
            }
        }
    }

    private static double logDet(ProfiledDeviance d, double[] theta, int a, double ha, int b, double hb) {
        double[] t = theta.clone();
        t[a] += ha;
        t[b] += hb;
        return d.profile(t).logDetV();
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
