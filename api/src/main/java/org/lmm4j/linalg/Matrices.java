package org.lmm4j.linalg;


/** Small helpers between {@code double[][]} and flat row-major arrays, and spectral checks via ojAlgo. */
public final class Matrices {

    private Matrices() {
    }

    /** Row-major copy of a square matrix. */
    public static double[] flatten(double[][] a) {
        int n = a.length;
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, out, i * n, n);
        }
        return out;
    }

    /** Square matrix from its row-major form. */
    public static double[][] square(double[] flat, int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * n, out[i], 0, n);
        }
        return out;
    }

    /** Copies the lower triangle onto the upper one. */
    public static void symmetrizeFromLower(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                a[j * n + i] = a[i * n + j];
            }
        }
    }

    /** Eigenvalues of a symmetric matrix, ascending ({@link SymmetricEigen}). */
    public static double[] eigenvalues(double[][] a) {
        return SymmetricEigen.of(a).values();
    }

    /** True when the symmetric matrix is positive definite (its Cholesky factor exists). */
    public static boolean isPositiveDefinite(double[][] a) {
        return Cholesky.factor(flatten(a), a.length);
    }

    /** True when the symmetric matrix is positive semi-definite up to a relative tolerance. */
    public static boolean isPositiveSemiDefinite(double[][] a, double relativeTolerance) {
        double[] ev = eigenvalues(a);
        if (ev.length == 0) {
            return true;
        }
        double scale = Math.max(Math.abs(ev[0]), Math.abs(ev[ev.length - 1]));
        return ev[0] >= -relativeTolerance * Math.max(scale, Double.MIN_NORMAL);
    }

    /** Inverse of a symmetric positive definite matrix, or null when it is not positive definite. */
    public static double[][] inverseSpd(double[][] a) {
        int n = a.length;
        double[] l = flatten(a);
        if (!Cholesky.factor(l, n)) {
            return null;
        }
        return square(Cholesky.inverse(l, n), n);
    }

    /** log det of a symmetric positive definite matrix, or NaN when it is not positive definite. */
    public static double logDetSpd(double[][] a) {
        int n = a.length;
        double[] l = flatten(a);
        return Cholesky.factor(l, n) ? Cholesky.logDet(l, n) : Double.NaN;
    }

    /** ⟨A, B⟩ = Σ_ij A_ij B_ij, the Frobenius inner product (tr A'B) of two square matrices. */
    public static double frobenius(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }

    /** Identity matrix. */
    public static double[][] identity(int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            out[i][i] = 1;
        }
        return out;
    }

    /** Deep copy. */
    public static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
