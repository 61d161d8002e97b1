package org.lmm4j.newton;

import org.lmm4j.linalg.SymmetricEigen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;

/**
 * On generated well-posed models (20–40 unbalanced groups, identifiable covariance, data simulated from the model) Newton's method
 * converges; at the result the gradient is negligible and, for an interior (non-singular) fit, the Hessian is
 * positive definite; the criterion is no higher than at the start or at the generating θ.
 */
class ConvergenceProperties {

    @Provide
    Arbitrary<ModelGenerator.Case> models() {
        return ModelGenerator.wellPosed();
    }

    @Property(tries = 100)
    void convergedFitsAreStationaryMinima(@ForAll("models") ModelGenerator.Case c) {
        ProfiledDeviance dev = new ProfiledDeviance(c.model());
        FitOptions options = FitOptions.defaults();
        FitResult r = new NewtonEstimator().fit(c.model(), options);
        assertEquals(FitStatus.CONVERGED, r.status(), () -> c + ": " + r.reason());
        double f = r.criterion();
        assertTrue(f <= dev.criterion(c.theta()) + 1e-9, c::toString);
        assertTrue(f <= dev.criterion(StartValues.moments(c.model())) + 1e-9, c::toString);
        assertTrue(r.iterations() <= 60, () -> c + ": " + r.iterations() + " iterations");
        if (r.singular()) {
            return;
        }
        Gradient g = dev.gradient(r.theta());
        double[][] h = dev.hessian(r.theta(), g).hessian();
        SymmetricEigen eig = SymmetricEigen.of(h);
        assertTrue(eig.values()[0] > 0, () -> c + ": Hessian eigenvalues " + java.util.Arrays.toString(eig.values()));
        // the Newton decrement g'H⁻¹g/2, the predicted further fall of the criterion, is below the tolerance
        double decrement = 0;
        for (int j = 0; j < eig.values().length; j++) {
            double coef = 0;
            for (int i = 0; i < g.theta().length; i++) {
                coef += eig.vectors()[i][j] * g.theta()[i];
            }
            decrement += coef * coef / eig.values()[j];
        }
        final double dec = decrement / 2;
        assertTrue(dec <= options.tolerance() * Math.max(1, Math.abs(f)), () -> c + ": decrement " + dec);
        // and the gradient itself is small on the scale of θ
        for (int k = 0; k < g.theta().length; k++) {
            final int kk = k;
            double scale = Math.max(1e-3, Math.abs(r.theta()[k]));
            assertTrue(Math.abs(g.theta()[k]) * scale <= 1e-4, () -> c + ": ∂/∂θ_" + kk + " = " + g.theta()[kk]);
        }
    }
}
