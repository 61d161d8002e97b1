package org.lmm4j.newton;

import org.lmm4j.testkit.Dental;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;

/** Every finite cell of the paper's Table 1 (ML, recomputed values of paper-targets.md) by Newton's method. */
class DentalTable1Test {

    @ParameterizedTest(name = "{0} / {1}: {2}")
    @CsvSource({
            "equal, scalar, 307.0862, 3",
            "gender, scalar, 279.7510, 5",
            "free, scalar, 91.4725, 55",
            "equal, diagonal, 304.7298, 6",
            "gender, diagonal, 278.5407, 8",
            "equal, free, 233.2170, 12",
            "gender, free, 220.9863, 14",
            "equal, random, 240.7209, 6",
            "gender, random, 229.3152, 8"})
    void finiteCellsOfTableOne(String mean, String sigma, double deviance, int parameters) {
        FitResult r = fit(mean, sigma);
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(deviance, r.criterion(), 1e-3);
        assertEquals(parameters, r.parameters());
        assertEquals(deviance + 108 * Math.log(2 * Math.PI), r.minus2LogLik(), 1e-3);
    }

    @ParameterizedTest(name = "{0} / {1} is unbounded")
    @CsvSource({"free, diagonal", "free, free"})
    void unboundedWhenEverySubjectHasItsOwnLine(String mean, String sigma) {
        FitResult r = fit(mean, sigma);
        assertEquals(FitStatus.UNBOUNDED, r.status(), r.reason());
        assertEquals(Double.NEGATIVE_INFINITY, r.criterion());
        assertTrue(r.reason().startsWith("the likelihood is unbounded: "), r.reason());
        assertTrue(r.reason().contains("goes to zero") || r.reason().contains("singular"), r.reason());
        assertTrue(r.iterations() < 200, "detected after " + r.iterations() + " iterations");
    }

    static FitResult fit(String mean, String sigma) {
        String formula = switch (mean) {
            case "equal" -> Dental.EQUAL;
            case "gender" -> Dental.GENDER;
            case "free" -> Dental.FREE;
            default -> throw new IllegalArgumentException(mean);
        };
        if (sigma.equals("random")) {
            formula += Dental.RANDOM;
            sigma = "scalar";
        }
        return new NewtonEstimator().fit(Dental.model(formula, sigma, Method.ML), FitOptions.defaults());
    }
}
