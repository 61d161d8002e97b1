package org.lmm4j.app.bench;

import java.util.Arrays;
import org.lmm4j.api.InputException;

/**
 * The known mixed model that {@link Simulator} draws from: the random intercept and slope model
 * y_ij = β0 + β1 t_j + b0_i + b1_i t_j + e_ij with b_i ~ N(0, Ω) (2×2), e_ij ~ N(0, σ²), occasions
 * t_j = 0, 1, ..., M − 1, and each occasion of each subject missing independently with the given share.
 *
 * @param subjects   n, the number of subjects
 * @param occasions  M, the occasions per subject
 * @param beta       the fixed effects (β0, β1)
 * @param omega      Ω, the 2×2 covariance of (b0, b1); symmetric positive semi-definite
 * @param sigma2     σ², the residual variance
 * @param missing    the share of occasions dropped at random, in [0, 1)
 * @param seed       the seed of the {@link java.util.SplittableRandom}; equal specs give equal data
 */
public record SimulationSpec(int subjects, int occasions, double[] beta, double[][] omega, double sigma2,
                             double missing, long seed) {

    /** β = (10, 0.5): the default fixed effects (copied by the constructor, never exposed). */
    private static final double[] DEFAULT_BETA = {10.0, 0.5};

    /** Ω with variances 4 and 0.25 and covariance 0.3 (correlation 0.3): the default random-effects covariance. */
    private static final double[][] DEFAULT_OMEGA = {{4.0, 0.3}, {0.3, 0.25}};

    public SimulationSpec {
        if (subjects < 1) {
            throw new InputException("--subjects must be at least 1, got " + subjects);
        }
        if (occasions < 1) {
            throw new InputException("--occasions must be at least 1, got " + occasions);
        }
        if (beta == null || beta.length != 2) {
            throw new InputException("the fixed effects need exactly two values (intercept, slope)");
        }
        if (omega == null || omega.length != 2 || omega[0].length != 2 || omega[1].length != 2) {
            throw new InputException("Ω must be 2×2 (var(intercept), cov, var(slope))");
        }
        beta = beta.clone();
        omega = new double[][] {omega[0].clone(), omega[1].clone()};
        if (omega[0][1] != omega[1][0]) {
            throw new InputException("Ω must be symmetric");
        }
        if (!(omega[0][0] >= 0) || !(omega[1][1] >= 0)
                || omega[0][1] * omega[0][1] > omega[0][0] * omega[1][1] * (1 + 1e-12)) {
            throw new InputException("Ω must be positive semi-definite: variances ≥ 0 and cov² ≤ var·var");
        }
        if (!(sigma2 > 0) || Double.isInfinite(sigma2)) {
            throw new InputException("--sigma2 must be positive, got " + sigma2);
        }
        if (!(missing >= 0 && missing < 1)) {
            throw new InputException("--missing must be in [0, 1), got " + missing);
        }
    }

    /** The default model (β, Ω as above, σ² = 1, nothing missing, seed 1) for n subjects and M occasions. */
    public static SimulationSpec of(int subjects, int occasions) {
        return new SimulationSpec(subjects, occasions, DEFAULT_BETA, DEFAULT_OMEGA, 1.0, 0.0, 1L);
    }

    /** The same spec with another seed. */
    public SimulationSpec withSeed(long s) {
        return new SimulationSpec(subjects, occasions, beta, omega, sigma2, missing, s);
    }

    /** The same spec with another share of missing occasions. */
    public SimulationSpec withMissing(double share) {
        return new SimulationSpec(subjects, occasions, beta, omega, sigma2, share, seed);
    }

    /** The same spec with another number of subjects. */
    public SimulationSpec withSubjects(int n) {
        return new SimulationSpec(n, occasions, beta, omega, sigma2, missing, seed);
    }

    /** The expected number of rows, n·M·(1 − missing). */
    public long expectedRows() {
        return Math.round((double) subjects * occasions * (1 - missing));
    }

    @Override
    public double[] beta() {
        return beta.clone();
    }

    @Override
    public double[][] omega() {
        return new double[][] {omega[0].clone(), omega[1].clone()};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimulationSpec s && subjects == s.subjects && occasions == s.occasions
                && Arrays.equals(beta, s.beta) && Arrays.deepEquals(omega, s.omega)
                && Double.compare(sigma2, s.sigma2) == 0 && Double.compare(missing, s.missing) == 0 && seed == s.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[] {subjects, occasions, Arrays.hashCode(beta), Arrays.deepHashCode(omega),
            Double.hashCode(sigma2), Double.hashCode(missing), seed});
    }

    @Override
    public String toString() {
        return "SimulationSpec[subjects=" + subjects + ", occasions=" + occasions + ", beta=" + Arrays.toString(beta)
                + ", omega=" + Arrays.deepToString(omega) + ", sigma2=" + sigma2 + ", missing=" + missing
                + ", seed=" + seed + "]";
    }
}
