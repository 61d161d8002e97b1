package org.lmm4j.testkit;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for covariance-structure tests: positive variances, random positive definite
 * matrices, positive definite Toeplitz sequences, and scatter matrices C = Σ x x' of n random vectors.
 */
public final class StructureGenerators {

    private StructureGenerators() {
    }

    /** Doubles in [lower, upper] with 8 decimals (jqwik's default scale is only 2; the bounds need not be decimals). */
    public static Arbitrary<Double> decimals(double lower, double upper) {
        return Arbitraries.doubles().between(0, 1).ofScale(8).map(u -> lower + u * (upper - lower));
    }

    /** A variance in [0.05, 20]. */
    public static Arbitrary<Double> variance() {
        return decimals(0.05, 20);
    }

    /** d variances in [0.05, 20]. */
    public static Arbitrary<double[]> variances(int dimension) {
        return decimals(0.05, 20).array(double[].class).ofSize(dimension);
    }

    /** A correlation in [lower, upper]. */
    public static Arbitrary<Double> correlation(double lower, double upper) {
        return decimals(lower, upper);
    }

    /** A random positive definite d×d matrix LL' + δI with L lower triangular, |L_ij| ≤ 2, δ ∈ [0.05, 1]. */
    public static Arbitrary<double[][]> positiveDefinite(int dimension) {
        Arbitrary<double[]> entries = decimals(-2, 2).array(double[].class).ofSize(dimension * dimension);
        return Combinators.combine(entries, decimals(0.05, 1)).as((l, delta) -> {
            double[][] s = new double[dimension][dimension];
            for (int i = 0; i < dimension; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = 0;
                    for (int k = 0; k <= j; k++) {
                        sum += l[i * dimension + k] * l[j * dimension + k];
                    }
                    s[i][j] = sum;
                    s[j][i] = sum;
                }
                s[i][i] += delta;
            }
            return s;
        });
    }

    /**
     * A positive definite Toeplitz sequence γ₀..γ_{d−1}: γ_k = Σ_m w_m cos(k ω_m) + δ[k = 0] with
     * w_m ≥ 0.05, ω_m ∈ [0, π] and δ ≥ 0.05, the autocovariance of a positive spectral measure.
     */
    public static Arbitrary<double[]> toeplitzSequence(int dimension) {
        Arbitrary<double[]> weights = decimals(0.05, 5).array(double[].class).ofSize(3);
        Arbitrary<double[]> frequencies = decimals(0, Math.PI).array(double[].class).ofSize(3);
        return Combinators.combine(weights, frequencies, decimals(0.05, 2)).as((w, omega, delta) -> {
            double[] gamma = new double[dimension];
            for (int k = 0; k < dimension; k++) {
                for (int m = 0; m < w.length; m++) {
                    gamma[k] += w[m] * Math.cos(k * omega[m]);
                }
            }
            gamma[0] += delta;
            return gamma;
        });
    }

    /**
     * The scatter matrix C = Σ_{i=1}^n x_i x_i' of n vectors x = Lz, z standard normal from the seed
     * and L a random lower-triangular mixing matrix (diagonal in [0.3, 2.3]).
     */
    public static double[][] scatter(int dimension, int n, long seed) {
        Random random = new Random(seed);
        double[][] mixing = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                mixing[i][j] = 2 * random.nextDouble() - 1;
            }
            mixing[i][i] = 0.3 + 2 * random.nextDouble();
        }
        double[][] c = new double[dimension][dimension];
        double[] z = new double[dimension];
        double[] x = new double[dimension];
        for (int obs = 0; obs < n; obs++) {
            for (int j = 0; j < dimension; j++) {
                z[j] = random.nextGaussian();
            }
            for (int i = 0; i < dimension; i++) {
                double s = 0;
                for (int j = 0; j <= i; j++) {
                    s += mixing[i][j] * z[j];
                }
                x[i] = s;
            }
            for (int i = 0; i < dimension; i++) {
                for (int j = 0; j < dimension; j++) {
                    c[i][j] += x[i] * x[j];
                }
            }
        }
        return c;
    }
}
