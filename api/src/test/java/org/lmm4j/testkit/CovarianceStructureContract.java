package org.lmm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * The properties every {@link CovarianceStructure} must have, written once: subclass it with the
 * structure and a generator of admissible θ for a dimension, and jqwik checks, over generated
 * dimensions and parameters, that S(θ) is symmetric positive definite; the parameter count, names and
 * derivative arrays agree; analytic first and second derivatives match central differences; θ → S →
 * θ round-trips; the M-step maximiser of −n log det S − tr(S⁻¹C) beats (or ties) random admissible θ
 * on the same scatter matrix and recovers θ from C = n S(θ); start values are admissible.
 */
public abstract class CovarianceStructureContract {

    /** Generated θ with its dimension. */
    public record Parameters(int dimension, double[] theta) {
        @Override
        public String toString() {
            return "d=" + dimension + " theta=" + Arrays.toString(theta);
        }
    }

    /** A scatter matrix of n vectors and a rival admissible θ of the same dimension. */
    public record Scatter(int dimension, int n, double[][] scatter, double[] rival) {
        @Override
        public String toString() {
            return "d=" + dimension + " n=" + n + " C=" + Arrays.deepToString(scatter) + " rival=" + Arrays.toString(rival);
        }
    }

    /** The structure under test. */
    protected abstract CovarianceStructure structure();

    /** Admissible (positive definite) θ for dimension d. */
    protected abstract Arbitrary<double[]> admissibleParameters(int dimension);

    /** Smallest dimension tested. */
    protected int minDimension() {
        return 1;
    }

    /** Largest dimension tested. */
    protected int maxDimension() {
        return 6;
    }

    @Provide
    Arbitrary<Parameters> parameters() {
        return Arbitraries.integers().between(minDimension(), maxDimension())
                .flatMap(d -> admissibleParameters(d).map(theta -> new Parameters(d, theta)));
    }

    @Provide
    Arbitrary<Scatter> scatters() {
        return Arbitraries.integers().between(minDimension(), maxDimension()).flatMap(d -> Combinators.combine(
                Arbitraries.integers().between(d + 1, 3 * d + 6), Arbitraries.longs(), admissibleParameters(d))
                .as((n, seed, rival) -> new Scatter(d, n, StructureGenerators.scatter(d, n, seed), rival)));
    }

    @Property(tries = 100)
    void matrixIsSymmetricPositiveDefinite(@ForAll("parameters") Parameters p) {
        CovarianceStructure s = structure();
        double[][] m = s.matrix(p.theta(), p.dimension());
        assertEquals(p.dimension(), m.length);
        for (int i = 0; i < m.length; i++) {
            assertEquals(p.dimension(), m[i].length);
            for (int j = 0; j < i; j++) {
                assertEquals(m[i][j], m[j][i], 0.0, "S(θ) must be symmetric");
            }
        }
        assertTrue(Matrices.isPositiveDefinite(m), "S(θ) must be positive definite for admissible θ");
        assertTrue(s.isPositiveDefinite(p.theta(), p.dimension()), "isPositiveDefinite must accept admissible θ");
        if (s.isScalar()) {
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m.length; j++) {
                    assertEquals(i == j ? m[0][0] : 0.0, m[i][j], 0.0, "a scalar structure is a multiple of I");
                }
            }
        }
    }

    @Property(tries = 100)
    void parameterCountMatchesNamesAndDerivatives(@ForAll("parameters") Parameters p) {
        CovarianceStructure s = structure();
        int d = p.dimension();
        int count = s.parameterCount(d);
        assertEquals(count, p.theta().length);
        List<String> names = s.parameterNames(d);
        assertEquals(count, names.size());
        assertEquals(count, names.stream().distinct().count(), "parameter names must be distinct");
        double[][][] derivatives = s.derivatives(p.theta(), d);
        assertEquals(count, derivatives.length);
        for (double[][] e : derivatives) {
            assertEquals(d, e.length);
            for (double[] row : e) {
                assertEquals(d, row.length);
            }
        }
        Map<String, Double> natural = s.naturalParameters(p.theta(), d);
        assertTrue(!natural.isEmpty());
        natural.values().forEach(v -> assertTrue(Double.isFinite(v), "natural parameters must be finite"));
    }

    @Property(tries = 100)
    void firstDerivativesMatchCentralDifferences(@ForAll("parameters") Parameters p) {
        CovarianceStructure s = structure();
        int d = p.dimension();
        double[] theta = p.theta();
        double[][][] analytic = s.derivatives(theta, d);
        for (int k = 0; k < theta.length; k++) {
            double h = 1e-5 * Math.max(1, Math.abs(theta[k]));
            double[][] plus = s.matrix(shifted(theta, k, h), d);
            double[][] minus = s.matrix(shifted(theta, k, -h), d);
            assertMatrixClose(analytic[k], difference(plus, minus, 2 * h), 1e-6, "∂S/∂θ_" + k);
        }
    }

    @Property(tries = 100)
    void secondDerivativesMatchCentralDifferences(@ForAll("parameters") Parameters p) {
        CovarianceStructure s = structure();
        int d = p.dimension();
        double[] theta = p.theta();
        for (int k = 0; k < theta.length; k++) {
            for (int l = 0; l < theta.length; l++) {
                double h = 1e-5 * Math.max(1, Math.abs(theta[l]));
                double[][] plus = s.derivatives(shifted(theta, l, h), d)[k];
                double[][] minus = s.derivatives(shifted(theta, l, -h), d)[k];
                double[][] analytic = s.secondDerivative(theta, d, k, l);
                if (analytic == null) {
                    analytic = new double[d][d];
                } else {
                    assertTrue(!s.isLinear(), "a linear structure has zero (null) second derivatives");
                }
                assertMatrixClose(analytic, difference(plus, minus, 2 * h), 1e-6, "∂²S/∂θ_" + k + "∂θ_" + l);
            }
        }
    }

    @Property(tries = 100)
    void parametersRoundTrip(@ForAll("parameters") Parameters p) {
        CovarianceStructure s = structure();
        double[] back = s.parameters(s.matrix(p.theta(), p.dimension()));
        assertVectorClose(p.theta(), back, 1e-9, "θ → S(θ) → θ");
    }

    @Property(tries = 100)
    void maximiserBeatsRandomAdmissibleParameters(@ForAll("scatters") Scatter c) {
        CovarianceStructure s = structure();
        int d = c.dimension();
        double[] best = s.maximise(c.scatter(), c.n());
        assertEquals(s.parameterCount(d), best.length);
        assertTrue(s.isPositiveDefinite(best, d), "the maximiser must be admissible: " + Arrays.toString(best));
        double fBest = objective(s.matrix(best, d), c.scatter(), c.n());
        double fRival = objective(s.matrix(c.rival(), d), c.scatter(), c.n());
        assertTrue(fBest >= fRival - 1e-9 * (1 + Math.abs(fRival)),
                "maximiser " + fBest + " below the random admissible θ " + fRival);
    }

    @Property(tries = 100)
    void maximiserIsALocalMaximum(@ForAll("scatters") Scatter c) {
        CovarianceStructure s = structure();
        int d = c.dimension();
        double[] best = s.maximise(c.scatter(), c.n());
        double fBest = objective(s.matrix(best, d), c.scatter(), c.n());
        for (int k = 0; k < best.length; k++) {
            for (double sign : new double[] {-1, 1}) {
                double[] near = shifted(best, k, sign * 1e-4 * Math.max(1e-3, Math.abs(best[k])));
                double fNear = objective(s.matrix(near, d), c.scatter(), c.n());
                assertTrue(fNear <= fBest + 1e-11 * (1 + Math.abs(fBest)),
                        "moving θ_" + k + " from the maximiser raises the objective: " + fNear + " > " + fBest);
            }
        }
    }

    @Property(tries = 100)
    void maximiserRecoversStructuredScatter(@ForAll("parameters") Parameters p, @ForAll("sampleSizes") int n) {
        CovarianceStructure s = structure();
        int d = p.dimension();
        double[][] m = s.matrix(p.theta(), d);
        double[][] scatter = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                scatter[i][j] = n * m[i][j];
            }
        }
        assertVectorClose(p.theta(), s.maximise(scatter, n), 1e-6, "maximise(n S(θ), n)");
    }

    @Provide
    Arbitrary<Integer> sampleSizes() {
        return Arbitraries.integers().between(1, 200);
    }

    @Property(tries = 100)
    void startValuesAreAdmissible(@ForAll("scatters") Scatter c) {
        CovarianceStructure s = structure();
        int d = c.dimension();
        double[][] sample = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                sample[i][j] = c.scatter()[i][j] / c.n();
            }
        }
        double[] start = s.start(sample);
        assertTrue(s.isPositiveDefinite(start, d), "start from a sample covariance: " + Arrays.toString(start));
        double[][] singular = StructureGenerators.scatter(d, 1, c.n());
        double[] fromSingular = s.start(singular);
        assertNotNull(fromSingular);
        assertTrue(s.isPositiveDefinite(fromSingular, d), "start from a rank-one sample covariance: "
                + Arrays.toString(fromSingular));
    }

    /** −n log det S − tr(S⁻¹C), −∞ when S is not positive definite (computed independently of the module). */
    protected static double objective(double[][] s, double[][] scatter, double n) {
        double[][] inverse = Matrices.inverseSpd(s);
        if (inverse == null) {
            return Double.NEGATIVE_INFINITY;
        }
        double trace = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                trace += inverse[i][j] * scatter[j][i];
            }
        }
        return -n * Matrices.logDetSpd(s) - trace;
    }

    private static double[] shifted(double[] theta, int k, double h) {
        double[] out = theta.clone();
        out[k] += h;
        return out;
    }

    private static double[][] difference(double[][] plus, double[][] minus, double step) {
        double[][] out = new double[plus.length][plus.length];
        for (int i = 0; i < plus.length; i++) {
            for (int j = 0; j < plus.length; j++) {
                out[i][j] = (plus[i][j] - minus[i][j]) / step;
            }
        }
        return out;
    }

    private static void assertMatrixClose(double[][] expected, double[][] actual, double relative, String what) {
        double scale = 1;
        for (double[] row : expected) {
            for (double x : row) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], relative * scale, what + ", row " + i);
        }
    }

    private static void assertVectorClose(double[] expected, double[] actual, double relative, String what) {
        double scale = 1;
        for (double x : expected) {
            scale = Math.max(scale, Math.abs(x));
        }
        assertArrayEquals(expected, actual, relative * scale, what);
    }
}
