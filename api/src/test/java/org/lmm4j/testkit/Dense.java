package org.lmm4j.testkit;

/**
 * Small dense matrix algebra for the test kit (products, transposes, Gauss–Jordan inverse, log|det|),
 * written independently of the library's kernels so the invariants check the library against
 * straightforward formulas rather than against itself.
 */
public final class Dense {

    private Dense() {
    }

    /** AB. */
    public static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = k == 0 ? 0 : b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i][l];
                for (int j = 0; j < m; j++) {
                    out[i][j] += ail * b[l][j];
                }
            }
        }
        return out;
    }

    /** Av. */
    public static double[] times(double[][] a, double[] v) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += a[i][j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    /** A'. */
    public static double[][] transpose(double[][] a) {
        int n = a.length;
        int m = n == 0 ? 0 : a[0].length;
        double[][] out = new double[m][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                out[j][i] = a[i][j];
            }
        }
        return out;
    }

    /** cA. */
    public static double[][] scale(double[][] a, double c) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = c * a[i][j];
            }
        }
        return out;
    }

    /** A⁻¹ by Gauss–Jordan elimination with partial pivoting; null when A is singular. */
    public static double[][] inverse(double[][] a) {
        int n = a.length;
        double[][] w = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, w[i], 0, n);
            w[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(w[r][c]) > Math.abs(w[pivot][c])) {
                    pivot = r;
                }
            }
            if (w[pivot][c] == 0) {
                return null;
            }
            double[] tmp = w[c];
            w[c] = w[pivot];
            w[pivot] = tmp;
            double d = w[c][c];
            for (int j = 0; j < 2 * n; j++) {
                w[c][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && w[r][c] != 0) {
                    double f = w[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        w[r][j] -= f * w[c][j];
                    }
                }
            }
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w[i], n, out[i], 0, n);
        }
        return out;
    }

    /** log|det A| by Gaussian elimination with partial pivoting (−∞ when singular). */
    public static double logAbsDet(double[][] a) {
        int n = a.length;
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            w[i] = a[i].clone();
        }
        double s = 0;
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(w[r][c]) > Math.abs(w[pivot][c])) {
                    pivot = r;
                }
            }
            if (w[pivot][c] == 0) {
                return Double.NEGATIVE_INFINITY;
            }
            double[] tmp = w[c];
            w[c] = w[pivot];
            w[pivot] = tmp;
            s += Math.log(Math.abs(w[c][c]));
            for (int r = c + 1; r < n; r++) {
                double f = w[r][c] / w[c][c];
                for (int j = c; j < n; j++) {
                    w[r][j] -= f * w[c][j];
                }
            }
        }
        return s;
    }

    /** Largest absolute entry (1 for an empty matrix). */
    public static double maxAbs(double[][] a) {
        double m = 0;
        for (double[] row : a) {
            for (double x : row) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return a.length == 0 ? 1 : m;
    }

    /** Largest absolute entry of a vector (0 when empty). */
    public static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** max |A − B| over the entries. */
    public static double maxDifference(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    /** max |a − b| over the entries. */
    public static double maxDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Row-major m×k matrix from a flat array. */
    public static double[][] rows(double[] flat, int m, int k) {
        double[][] out = new double[m][k];
        for (int i = 0; i < m; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }

    /** Flat row-major array of a matrix with k columns. */
    public static double[] flat(double[][] a, int k) {
        double[] out = new double[a.length * k];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * k, k);
        }
        return out;
    }

    /** The lower Cholesky factor L of a symmetric positive definite matrix (LL' = A); null when not PD. */
    public static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= l[j][k] * l[j][k];
            }
            if (!(d > 0)) {
                return null;
            }
            l[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = s / l[j][j];
            }
        }
        return l;
    }
}
