package org.lmm4j.api;

import java.util.List;

/**
 * A parametric family of symmetric d×d covariance matrices S(θ): the residual covariance Σ over T
 * occasions or the random-effects covariance Ω over q random effects (docs/DESIGN.md §1: V_i = Z_iΩZ_i' + Σ[t_i,t_i]).
 *
 * <p>Implementations are stateless plug-ins discovered with {@link java.util.ServiceLoader}. Every
 * method takes the dimension d explicitly, so one instance serves Σ and Ω of any size. Matrices are
 * plain {@code double[d][d]} arrays, always symmetric.
 */
public interface CovarianceStructure {

    /** Short name used on the command line, e.g. {@code scalar}, {@code free}, {@code ar1}. */
    String name();

    /** One-line description for {@code lmm4j list}. */
    String description();

    /** Number of free parameters for dimension d (scalar 1, diagonal d, free d(d+1)/2, ...). */
    int parameterCount(int dimension);

    /** Names of the parameters, in order (e.g. {@code sigma2}, {@code rho}); used in reports and traces. */
    List<String> parameterNames(int dimension);

    /** S(θ), a symmetric d×d matrix. Need not be positive definite for inadmissible θ. */
    double[][] matrix(double[] theta, int dimension);

    /** The derivative matrices ∂S/∂θ_k, k = 0..parameterCount−1, at θ. */
    double[][][] derivatives(double[] theta, int dimension);

    /**
     * The second derivative ∂²S/∂θ_k∂θ_l at θ, or {@code null} when it is zero (always so for
     * structures that are {@linkplain #isLinear() linear} in θ).
     */
    default double[][] secondDerivative(double[] theta, int dimension, int k, int l) {
        return null;
    }

    /** True when S(θ) is linear in θ, so every second derivative is zero. */
    default boolean isLinear() {
        return true;
    }

    /** True when S(θ) is always a multiple of the identity (the scalar structure); enables fast paths. */
    default boolean isScalar() {
        return false;
    }

    /**
     * True when the family {S(θ)} is closed under every congruence S → ASA' with A invertible (the free structure):
     * then the columns of Z may be recombined for the fit (centred, {@link org.lmm4j.likelihood.CentredRandomEffects})
     * and the estimate mapped back, the model being the same.
     */
    default boolean admitsChangeOfBasis() {
        return false;
    }

    /** True when θ gives a positive definite S(θ) (the admissible region for Σ). */
    boolean isPositiveDefinite(double[] theta, int dimension);

    /**
     * θ for a matrix that has this structure (S(θ) = matrix); for any other symmetric matrix, a
     * reasonable projection onto the structure. Round trip: {@code parameters(matrix(θ)) = θ}.
     */
    double[] parameters(double[][] matrix);

    /** Admissible start values from a sample covariance matrix (e.g. moment estimates). */
    default double[] start(double[][] sampleCovariance) {
        return maximise(sampleCovariance, 1);
    }

    /**
     * The maximiser over θ of {@code −n log det S(θ) − tr(S(θ)⁻¹ C)} for a positive definite
     * scatter matrix C (sum of n outer products): the normal-theory M-step. For the free structure
     * it is C/n; other structures solve it in closed form or numerically.
     */
    double[] maximise(double[][] scatter, double n);

    /**
     * The function {@link #maximise} maximises: {@code −n log det S − tr(S⁻¹C)}, the normal log-likelihood
     * (up to constants, times two) of n centred vectors with scatter C under covariance S; −∞ when S is not
     * positive definite.
     */
    static double scatterObjective(double[][] s, double[][] scatter, double n) {
        int d = s.length;
        if (d == 0) {
            return 0;
        }
        double[] l = org.lmm4j.linalg.Matrices.flatten(s);
        if (!org.lmm4j.linalg.Cholesky.factor(l, d)) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] c = org.lmm4j.linalg.Matrices.flatten(scatter);
        org.lmm4j.linalg.Cholesky.solve(l, d, c, d);
        double tr = 0;
        for (int i = 0; i < d; i++) {
            tr += c[i * d + i];
        }
        return -n * org.lmm4j.linalg.Cholesky.logDet(l, d) - tr;
    }

    /**
     * Named parameters on the natural scale (variances, correlations, ρ, ...) for reports; the
     * variances and correlations of the matrix itself are reported separately by the caller.
     */
    default java.util.Map<String, Double> naturalParameters(double[] theta, int dimension) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        List<String> names = parameterNames(dimension);
        for (int k = 0; k < theta.length; k++) {
            out.put(names.get(k), theta[k]);
        }
        return out;
    }
}
