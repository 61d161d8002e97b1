package org.lmm4j.linalg;

/**
 * In-place Cholesky factorisation A = LL' of a small symmetric positive definite matrix held
 * row-major in a flat {@code double[n*n]}, with the solves and the log-determinant built on it.
 * This is the per-group kernel of the likelihood: no objects, no allocation beyond the caller's arrays.
 */
public final class Cholesky {

    private Cholesky() {
    }

    /**
     * Overwrites the lower triangle of {@code a} (n×n row-major) with L. The strict upper triangle
     * is left untouched and must be ignored by the caller.
     *
     * @return false when a is not (numerically) positive definite
     */
    public static boolean factor(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            int rowJ = j * n;
            double d = a[rowJ + j];
            for (int k = 0; k < j; k++) {
                d -= a[rowJ + k] * a[rowJ + k];
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                return false;
            }
            double ljj = Math.sqrt(d);
            a[rowJ + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                int rowI = i * n;
                double s = a[rowI + j];
                for (int k = 0; k < j; k++) {
                    s -= a[rowI + k] * a[rowJ + k];
                }
                a[rowI + j] = s / ljj;
            }
        }
        return true;
    }

    /** log det A = 2 Σ log L_jj, for a factor computed by {@link #factor}. */
    public static double logDet(double[] l, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.log(l[j * n + j]);
        }
        return 2 * s;
    }

    /** Solves L w = b in place for {@code cols} right-hand sides held column-wise: b[row*cols + c]. */
    public static void forward(double[] l, int n, double[] b, int cols) {
        for (int i = 0; i < n; i++) {
            int rowI = i * n;
            double lii = l[rowI + i];
            for (int c = 0; c < cols; c++) {
                double s = b[i * cols + c];
                for (int k = 0; k < i; k++) {
                    s -= l[rowI + k] * b[k * cols + c];
                }
                b[i * cols + c] = s / lii;
            }
        }
    }

    /** Solves L' w = b in place for {@code cols} right-hand sides held as b[row*cols + c]. */
    public static void backward(double[] l, int n, double[] b, int cols) {
        for (int i = n - 1; i >= 0; i--) {
            double lii = l[i * n + i];
            for (int c = 0; c < cols; c++) {
                double s = b[i * cols + c];
                for (int k = i + 1; k < n; k++) {
                    s -= l[k * n + i] * b[k * cols + c];
                }
                b[i * cols + c] = s / lii;
            }
        }
    }

    /** Solves A w = b (A = LL') in place. */
    public static void solve(double[] l, int n, double[] b, int cols) {
        forward(l, n, b, cols);
        backward(l, n, b, cols);
    }

    /** A⁻¹ as a full symmetric n×n row-major matrix, from the factor L. */
    public static double[] inverse(double[] l, int n) {
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            inv[i * n + i] = 1;
        }
        solve(l, n, inv, n);
        return inv;
    }
}
