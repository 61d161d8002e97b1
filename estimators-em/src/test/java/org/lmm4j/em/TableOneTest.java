package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.lmm4j.api.MixedModel;

/** The paper's Table 1 (ML deviances of the dental data, reference/paper-targets.md), fitted by EM. */
class TableOneTest {

    private static final double CELL = 1e-3;

    static Stream<Arguments> finiteCells() {
        return Stream.of(
                Arguments.of(Models.EQUAL, "scalar", 307.0862, 3),
                Arguments.of(Models.EQUAL, "diagonal", 304.7298, 6),
                Arguments.of(Models.EQUAL, "free", 233.2170, 12),
                Arguments.of(Models.EQUAL, "random", 240.7209, 6),
                Arguments.of(Models.GENDER, "scalar", 279.7510, 5),
                Arguments.of(Models.GENDER, "diagonal", 278.5407, 8),
                Arguments.of(Models.GENDER, "free", 220.9863, 14),
                Arguments.of(Models.GENDER, "random", 229.3152, 8),
                Arguments.of(Models.FREE, "scalar", 91.4725, 55));
    }

    private static MixedModel cell(String mean, String sigma) {
        return sigma.equals("random") ? Models.dental(mean + Models.RANDOM, "scalar", Method.ML)
                : Models.dental(mean, sigma, Method.ML);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("finiteCells")
    void everyFiniteCellIsReproduced(String mean, String sigma, double deviance, int parameters) {
        for (boolean accelerate : new boolean[] {false, true}) {
            FitResult r = new EmEstimator().fit(cell(mean, sigma),
                    FitOptions.defaults().withAccelerate(accelerate).withMaxIterations(5000));
            assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
            assertEquals(deviance, r.criterion(), CELL, mean + " / " + sigma + " accelerate=" + accelerate);
            assertEquals(deviance + 108 * Math.log(2 * Math.PI), r.minus2LogLik(), CELL);
            assertEquals(parameters, r.parameters());
            assertEquals("em", r.estimator());
            assertEquals(r.iterations() + r.finishIterations(), r.trace().size());
        }
    }

    @Test
    void unboundedWhenEverySubjectHasItsOwnLineAndSigmaIsDiagonalOrFree() {
        for (String sigma : new String[] {"diagonal", "free"}) {
            for (boolean accelerate : new boolean[] {false, true}) {
                FitResult r = new EmEstimator().fit(cell(Models.FREE, sigma),
                        FitOptions.defaults().withAccelerate(accelerate));
                assertEquals(FitStatus.UNBOUNDED, r.status(), sigma);
                assertEquals(Double.NEGATIVE_INFINITY, r.criterion());
                assertTrue(r.reason().contains("unbounded") && r.reason().contains("Σ"), r.reason());
                assertEquals(sigma.equals("free") ? 64 : 58, r.parameters());
            }
        }
    }

    @Test
    void confoundedRandomLinesGiveTheBoundaryFitOmegaZero() {
        for (boolean accelerate : new boolean[] {false, true}) {
            FitResult r = new EmEstimator().fit(cell(Models.FREE, "random"),
                    FitOptions.defaults().withAccelerate(accelerate));
            assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
            assertEquals(91.4725, r.criterion(), CELL);
            assertEquals(58, r.parameters());
            for (double[] row : r.omega()) {
                for (double v : row) {
                    assertEquals(0, v, 1e-12);
                }
            }
            assertEquals(0.8581, r.sigma()[0][0], 1e-4);
            assertTrue(r.singular());
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("confounded")), r.warnings().toString());
            assertTrue(r.iterations() < 400, "boundary reached in " + r.iterations() + " iterations");
        }
    }

    @Test
    void genderRandomModelMatchesTheReferenceEstimates() {
        for (boolean accelerate : new boolean[] {false, true}) {
            FitResult r = new EmEstimator().fit(cell(Models.GENDER, "random"),
                    FitOptions.defaults().withAccelerate(accelerate).withMaxIterations(5000));
            assertEquals(FitStatus.CONVERGED, r.status());
            assertEquals(1.7162, r.sigma()[0][0], 1e-4);
            double[][] omega = r.omega();
            assertEquals(4.5569, omega[0][0], 1e-4);
            assertEquals(-0.19825, omega[0][1], 1e-4);
            assertEquals(-0.19825, omega[1][0], 1e-4);
            assertEquals(0.023759, omega[1][1], 1e-4);
            assertEquals(java.util.List.of("(Intercept)", "SexFemale", "age", "SexFemale:age"), r.fixedNames());
            assertArrayEquals(new double[] {16.34063, 1.03210, 0.78438, -0.30483}, r.fixedEffects(), 1e-4);
            assertEquals(27, r.randomEffects().length);
        }
    }

    @Test
    void equalRandomModelMatchesTheReferenceEstimates() {
        FitResult r = new EmEstimator().fit(cell(Models.EQUAL, "random"), FitOptions.defaults());
        assertEquals(1.7162, r.sigma()[0][0], 1e-4);
        assertEquals(4.8141, r.omega()[0][0], 1e-3);
        assertEquals(-0.27421, r.omega()[0][1], 1e-4);
        assertEquals(0.046193, r.omega()[1][1], 1e-4);
        assertArrayEquals(new double[] {16.76111, 0.66019}, r.fixedEffects(), 1e-4);
    }

    @Test
    void tableTwoCovarianceFromTheGenderFreeModel() {
        FitResult r = new EmEstimator().fit(cell(Models.GENDER, "free"), FitOptions.defaults());
        double[][] s = r.sigma();
        double[] variances = {5.1192, 3.9280, 5.9798, 4.6180};
        for (int k = 0; k < 4; k++) {
            assertEquals(variances[k], s[k][k], 1e-3);
        }
        assertEquals(0.54434, s[0][1] / Math.sqrt(s[0][0] * s[1][1]), 1e-4);
        assertEquals(0.72759, s[2][3] / Math.sqrt(s[2][2] * s[3][3]), 1e-4);
        assertArrayEquals(new double[] {15.84230, 1.58307, 0.82680, -0.35044}, r.fixedEffects(), 1e-4);
    }

    @Test
    void remlGenderRandomMatchesLme4() {
        for (boolean accelerate : new boolean[] {false, true}) {
            FitResult r = new EmEstimator().fit(Models.dental(Models.GENDER + Models.RANDOM, "scalar", Method.REML),
                    FitOptions.defaults().withAccelerate(accelerate).withMaxIterations(5000));
            assertEquals(FitStatus.CONVERGED, r.status());
            assertEquals(Method.REML, r.method());
            assertEquals(432.5817, r.minus2LogLik(), 1e-3);
        }
    }
}
