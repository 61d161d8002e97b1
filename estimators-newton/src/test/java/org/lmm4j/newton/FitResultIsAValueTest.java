package org.lmm4j.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lmm4j.testkit.Dental;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;

/** A fit result is a value: what a caller gets out of it cannot change it (issue 15, item 10). */
class FitResultIsAValueTest {

    @Test
    void arraysAndListsHandedOutCannotChangeTheResult() {
        FitResult r = new NewtonEstimator().fit(Dental.model(Dental.GENDER + Dental.RANDOM, "scalar", Method.ML),
                FitOptions.defaults());
        double beta0 = r.fixedEffects()[0];
        double sigma00 = r.sigma()[0][0];
        double omega00 = r.omega()[0][0];
        double blup00 = r.randomEffects()[0][0];
        double theta0 = r.theta()[0];
        r.fixedEffects()[0] = 1e9;
        r.sigma()[0][0] = 1e9;
        r.omega()[0][0] = 1e9;
        r.randomEffects()[0][0] = 1e9;
        r.theta()[0] = 1e9;
        r.standardErrors()[0] = 1e9;
        r.covFixedEffects()[0][0] = 1e9;
        assertEquals(beta0, r.fixedEffects()[0]);
        assertEquals(sigma00, r.sigma()[0][0]);
        assertEquals(omega00, r.omega()[0][0]);
        assertEquals(blup00, r.randomEffects()[0][0]);
        assertEquals(theta0, r.theta()[0]);
        assertThrows(UnsupportedOperationException.class, () -> r.fixedNames().set(0, "x"));
        assertThrows(UnsupportedOperationException.class, () -> r.groupIds().clear());
        assertThrows(UnsupportedOperationException.class, () -> r.warnings().add("x"));
    }
}
