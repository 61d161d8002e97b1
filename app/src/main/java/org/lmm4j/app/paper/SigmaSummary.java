package org.lmm4j.app.paper;

/**
 * A covariance matrix on the natural scale, as in the paper's Table 2: the variances σ_tt and the
 * correlations σ_st / √(σ_ss σ_tt), labelled by occasion (age).
 *
 * @param occasions     the occasion labels (ages)
 * @param variances     the diagonal
 * @param correlations  the correlation matrix (ones on the diagonal)
 */
public record SigmaSummary(java.util.List<String> occasions, double[] variances, double[][] correlations) {

    /** Variances and correlations of a symmetric positive definite matrix. */
    public static SigmaSummary of(java.util.List<String> occasions, double[][] sigma) {
        int t = sigma.length;
        double[] v = new double[t];
        double[][] r = new double[t][t];
        for (int i = 0; i < t; i++) {
            v[i] = sigma[i][i];
        }
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                r[i][j] = i == j ? 1.0 : sigma[i][j] / Math.sqrt(v[i] * v[j]);
            }
        }
        return new SigmaSummary(java.util.List.copyOf(occasions), v, r);
    }
}
