package org.lmm4j.likelihood;

/**
 * The last step of every Hessian of the profiled criterion (Lindstrom &amp; Bates 1988), whatever path summed
 * its group terms: with T the summed group terms (for REML including 2J), b_k = Σ_i X_i'V_i⁻¹ ∂V_i/∂θ_k V_i⁻¹r_i
 * and C_k = Σ_i X_i'V_i⁻¹ ∂V_i/∂θ_k V_i⁻¹X_i,
 * H_kl = T_kl − 2 b_k'A⁻¹b_l (the term profiling β adds), and for REML also − tr(A⁻¹C_kA⁻¹C_l).
 */
public final class ProfiledHessianTerms {

    private ProfiledHessianTerms() {
    }

    /**
     * H as a symmetric n×n matrix.
     *
     * @param t     T, n×n row-major (only the upper triangle is read)
     * @param b     the b_k, n×p row-major
     * @param c     the C_k, n blocks of p×p row-major (read only for REML)
     * @param aInv  A⁻¹ = (Σ X_i'V_i⁻¹X_i)⁻¹, p×p row-major
     */
    public static double[][] assemble(double[] t, double[] b, double[] c, double[] aInv, int n, int p, boolean reml) {
        double[][] h = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int l = k; l < n; l++) {
                double bab = 0;
                for (int a = 0; a < p; a++) {
                    double s = 0;
                    for (int e = 0; e < p; e++) {
                        s += aInv[a * p + e] * b[l * p + e];
                    }
                    bab += b[k * p + a] * s;
                }
                double v = t[k * n + l] - 2 * bab;
                if (reml) {
                    v -= traceProduct(aInv, c, k, l, p);
                }
                h[k][l] = v;
                h[l][k] = v;
            }
        }
        return h;
    }

    /** tr(A⁻¹C_kA⁻¹C_l) for the p×p blocks C_k stored at offsets k·p². */
    static double traceProduct(double[] ai, double[] c, int k, int l, int p) {
        int pp = p * p;
        double s = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                double left = 0;
                double right = 0;
                for (int e = 0; e < p; e++) {
                    left += ai[a * p + e] * c[k * pp + e * p + b];
                    right += ai[b * p + e] * c[l * pp + e * p + a];
                }
                s += left * right;
            }
        }
        return s;
    }
}
