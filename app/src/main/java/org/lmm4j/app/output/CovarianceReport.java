package org.lmm4j.app.output;

/**
 * A covariance matrix on the natural scale of a report: variances c_jj, standard deviations √c_jj and
 * correlations r_jk = c_jk / √(c_jj c_kk) (how Table 2 of the paper shows Σ).
 */
public final class CovarianceReport {

    private CovarianceReport() {
    }

    /** The diagonal c_jj. */
    public static double[] variances(double[][] c) {
        double[] v = new double[c.length];
        for (int j = 0; j < c.length; j++) {
            v[j] = c[j][j];
        }
        return v;
    }

    /** r_jk = c_jk / √(c_jj c_kk), with 1 on the diagonal; NaN where a variance is not positive. */
    public static double[][] correlations(double[][] c) {
        int d = c.length;
        double[][] r = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < d; k++) {
                double s = c[j][j] * c[k][k];
                r[j][k] = j == k ? (c[j][j] > 0 ? 1 : Double.NaN) : s > 0 ? c[j][k] / Math.sqrt(s) : Double.NaN;
            }
        }
        return r;
    }

    /** True when c is a multiple of the identity (a scalar structure, σ²I): then one variance says it all. */
    public static boolean isScalar(double[][] c) {
        for (int j = 0; j < c.length; j++) {
            if (c[j][j] != c[0][0]) {
                return false;
            }
            for (int k = 0; k < c.length; k++) {
                if (j != k && c[j][k] != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
