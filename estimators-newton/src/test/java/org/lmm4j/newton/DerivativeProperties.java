package org.lmm4j.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The analytic gradient of the profiled criterion ({@link ProfiledDeviance#gradient}) and the analytic Hessian
 * of {@link org.lmm4j.likelihood.ProfiledDeviance#hessian} agree with central finite differences, for ML and REML, on generated unbalanced
 * models with scalar, diagonal, free, compound-symmetry and AR(1) Σ and free or diagonal Ω.
 */
class DerivativeProperties {

    @Provide
    Arbitrary<ModelGenerator.Case> models() {
        return ModelGenerator.small();
    }

    @Property(tries = 150)
    void gradientMatchesFiniteDifferencesOfTheCriterion(@ForAll("models") ModelGenerator.Case c) {
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        Gradient g = dev.gradient(c.theta());
        Assume.that(g != null);
        double[] theta = c.theta();
        double scale = 1e-8;
        for (int k = 0; k < theta.length; k++) {
            double h = step(theta[k]);
            double fd = (dev.criterion(shift(theta, k, h)) - dev.criterion(shift(theta, k, -h))) / (2 * h);
            scale = Math.max(scale, Math.abs(fd));
            assertEquals(fd, g.theta()[k], 1e-5 * (1 + Math.abs(fd)), () -> c + ": ∂/∂θ_" + "k");
        }
    }

    @Property(tries = 150)
    void hessianMatchesFiniteDifferencesOfTheGradient(@ForAll("models") ModelGenerator.Case c) {
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        double[] theta = c.theta();
        Gradient g = dev.gradient(theta);
        Assume.that(g != null);
        double[][] h = dev.hessian(theta, g).hessian();
        int n = theta.length;
        double[][] fd = new double[n][n];
        double top = 0;
        for (int l = 0; l < n; l++) {
            double step = step(theta[l]);
            Gradient plus = dev.gradient(shift(theta, l, step));
            Gradient minus = dev.gradient(shift(theta, l, -step));
            assertNotNull(plus);
            assertNotNull(minus);
            for (int k = 0; k < n; k++) {
                fd[k][l] = (plus.theta()[k] - minus.theta()[k]) / (2 * step);
                top = Math.max(top, Math.abs(fd[k][l]));
            }
        }
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                final int kk = k;
                final int ll = l;
                assertEquals(fd[k][l], h[k][l], 1e-5 * (1 + top), () -> c + ": H[" + kk + "][" + ll + "]");
                assertEquals(h[l][k], h[k][l], 1e-9 * (1 + top));
            }
        }
    }

    private static double step(double t) {
        return 1e-5 * Math.max(1, Math.abs(t));
    }

    private static double[] shift(double[] theta, int k, double h) {
        double[] out = theta.clone();
        out[k] += h;
        return out;
    }
}
