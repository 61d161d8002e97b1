package org.lmm4j.alternating;

import org.lmm4j.testkit.Dental;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.linalg.Matrices;

/** The paper's Table 1 (ML minimum deviances, recomputed values of paper-targets.md) by alternating minimisation. */
class Table1Test {

    private final AlternatingEstimator estimator = new AlternatingEstimator();

    static Stream<Arguments> finiteCells() {
        return Stream.of(
                Arguments.of(Dental.EQUAL, "scalar", 307.0862, 3),
                Arguments.of(Dental.GENDER, "scalar", 279.7510, 5),
                Arguments.of(Dental.FREE, "scalar", 91.4725, 55),
                Arguments.of(Dental.EQUAL, "diagonal", 304.7298, 6),
                Arguments.of(Dental.GENDER, "diagonal", 278.5407, 8),
                Arguments.of(Dental.EQUAL, "free", 233.2170, 12),
                Arguments.of(Dental.GENDER, "free", 220.9863, 14),
                Arguments.of(Dental.EQUAL + Dental.RANDOM, "scalar", 240.7209, 6),
                Arguments.of(Dental.GENDER + Dental.RANDOM, "scalar", 229.3152, 8));
    }

    @ParameterizedTest(name = "{0} with Σ {1}: {2}")
    @MethodSource("finiteCells")
    void reproducesTheFiniteCells(String formula, String sigma, double deviance, int parameters) {
        FitResult r = estimator.fit(Dental.model(formula, sigma, Method.ML), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(deviance, r.criterion(), 1e-3);
        assertEquals(parameters, r.parameters());
        assertEquals(r.criterion() + 108 * Math.log(2 * Math.PI), r.minus2LogLik(), 1e-9);
    }

    @ParameterizedTest(name = "{0} with Σ {1} is unbounded")
    @MethodSource("unboundedCells")
    void unboundedWhenEverySubjectHasItsOwnLine(String formula, String sigma) {
        FitResult r = estimator.fit(Dental.model(formula, sigma, Method.ML), FitOptions.defaults());
        assertEquals(FitStatus.UNBOUNDED, r.status());
        assertEquals(Double.NEGATIVE_INFINITY, r.criterion());
        assertTrue(r.reason().contains("Σ degenerates"), r.reason());
        assertTrue(r.reason().contains("unbounded"), r.reason());
        assertTrue(!r.reason().contains("\n"), "one line");
    }

    static Stream<Arguments> unboundedCells() {
        return Stream.of(Arguments.of(Dental.FREE, "diagonal"), Arguments.of(Dental.FREE, "free"));
    }

    @Test
    void randomLinesOnTopOfSubjectLinesGiveTheBoundaryFitOmegaZero() {
        FitResult r = estimator.fit(Dental.model(Dental.FREE + Dental.RANDOM, "scalar", Method.ML),
                FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(91.4725, r.criterion(), 1e-3);
        assertEquals(58, r.parameters());
        assertEquals(0.0, Matrices.eigenvalues(r.omega())[1], 1e-10, "Ω̂ = 0");
        assertEquals(0.8581, r.sigma()[0][0], 1e-4, "σ̂² of the free/scalar model");
        assertTrue(r.singular());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("confounded")), r.warnings().toString());
    }

    @Test
    void withOmegaOnlyKeepingVPositiveDefiniteTheSameModelIsUnbounded() {
        FitOptions free = new FitOptions(1000, 1e-10, true, false, null);
        FitResult r = estimator.fit(Dental.model(Dental.FREE + Dental.RANDOM, "scalar", Method.ML), free);
        assertEquals(FitStatus.UNBOUNDED, r.status());
        assertTrue(r.reason().contains("V_i of group") && r.reason().contains("Ω turns indefinite"), r.reason());
    }
}
