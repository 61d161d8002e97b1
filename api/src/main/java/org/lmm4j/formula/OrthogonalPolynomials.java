package org.lmm4j.formula;

/**
 * Orthogonal polynomials as R's {@code poly(x, degree)} computes them (R, {@code stats/R/contr.poly.R}): the QR
 * decomposition of the centred Vandermonde matrix X = [1, x − x̄, (x − x̄)², …, (x − x̄)^d], then the columns of
 * Q·diag(R) scaled to unit length, the constant one dropped. Column j is thus Q_j·sign(R_jj): the Gram–Schmidt
 * orthonormalisation of the powers, which does not depend on the sign convention of the Householder reflections.
 * The QR is by Householder reflections on the n × (d + 1) matrix, O(n d²).
 */
final class OrthogonalPolynomials {

    private OrthogonalPolynomials() {
    }

    /**
     * The d orthonormal columns (each of length n = x.length, orthogonal to the constant), or null when the degree is
     * not less than the number of distinct values of x (R: "'degree' must be less than number of unique points").
     */
    static double[][] of(double[] x, int degree) {
        int n = x.length;
        if (degree >= distinct(x, degree + 1)) {
            return null;
        }
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        int k = degree + 1;
        double[][] a = new double[k][n]; // columns of the centred Vandermonde matrix
        for (int i = 0; i < n; i++) {
            double c = x[i] - mean;
            double p = 1;
            for (int j = 0; j < k; j++) {
                a[j][i] = p;
                p *= c;
            }
        }
        // Householder QR: column j of a is overwritten below the diagonal by the reflector v_j (with v_j[j] = vj0)
        double[] original = new double[k];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                original[j] = Math.hypot(original[j], a[j][i]);
            }
        }
        double[] rDiagonal = new double[k];
        double[][] reflectors = new double[k][];
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (int i = j; i < n; i++) {
                norm = Math.hypot(norm, a[j][i]);
            }
            double alpha = a[j][j] > 0 ? -norm : norm;
            double[] v = new double[n];
            for (int i = j; i < n; i++) {
                v[i] = a[j][i];
            }
            v[j] -= alpha;
            double vv = 0;
            for (int i = j; i < n; i++) {
                vv += v[i] * v[i];
            }
            rDiagonal[j] = alpha;
            if (vv == 0 || norm < 1e-7 * original[j]) {
                return null; // rank < degree + 1, by the relative tolerance of R's qr (LINPACK dqrdc2)
            }
            reflectors[j] = v;
            for (int c = j + 1; c < k; c++) {
                double dot = 0;
                for (int i = j; i < n; i++) {
                    dot += v[i] * a[c][i];
                }
                double f = 2 * dot / vv;
                for (int i = j; i < n; i++) {
                    a[c][i] -= f * v[i];
                }
            }
        }
        // Q e_j = H_0 H_1 ... H_{k−1} e_j, then the sign of R_jj
        double[][] out = new double[degree][];
        for (int j = 1; j < k; j++) {
            double[] q = new double[n];
            q[j] = 1;
            for (int h = k - 1; h >= 0; h--) {
                double[] v = reflectors[h];
                double vv = 0;
                double dot = 0;
                for (int i = h; i < n; i++) {
                    vv += v[i] * v[i];
                    dot += v[i] * q[i];
                }
                double f = 2 * dot / vv;
                for (int i = h; i < n; i++) {
                    q[i] -= f * v[i];
                }
            }
            if (rDiagonal[j] < 0) {
                for (int i = 0; i < n; i++) {
                    q[i] = -q[i];
                }
            }
            out[j - 1] = q;
        }
        return out;
    }

    /** The number of distinct values of x, counted up to {@code cap}. */
    private static int distinct(double[] x, int cap) {
        java.util.HashSet<Double> seen = new java.util.HashSet<>();
        for (double v : x) {
            seen.add(v == 0 ? 0.0 : v);
            if (seen.size() >= cap) {
                break;
            }
        }
        return seen.size();
    }
}
