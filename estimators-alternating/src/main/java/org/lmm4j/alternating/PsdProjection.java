package org.lmm4j.alternating;

import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * The nearest positive semi-definite matrix to a symmetric one in the Frobenius norm,
 * A⁺ = U max(D, 0) U' for A = U D U' (the projection that keeps Ω a dispersion matrix, as lme4 and
 * nlme require), and the boundary variant that also sets eigenvalues that are negligible relative to
 * the largest to zero (the boundary point the estimator tests when Ω shrinks towards singularity).
 */
final class PsdProjection {

    private PsdProjection() {
    }

    /** A with every eigenvalue below {@code relativeFloor} × (largest eigenvalue) set to zero; A⁺ for floor 0. */
    static double[][] truncate(double[][] a, double relativeFloor) {
        int n = a.length;
        if (n == 0) {
            return new double[0][0];
        }
        R064Store m = R064Store.FACTORY.rows(a);
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, true);
        if (!evd.decompose(m)) {
            throw new ArithmeticException("eigen decomposition of a " + n + "×" + n + " matrix failed");
        }
        MatrixStore<Double> d = evd.getD();
        MatrixStore<Double> u = evd.getV();
        double top = 0;
        for (int k = 0; k < n; k++) {
            top = Math.max(top, d.doubleValue(k, k));
        }
        double floor = relativeFloor * top;
        double[][] out = new double[n][n];
        for (int k = 0; k < n; k++) {
            double lambda = d.doubleValue(k, k);
            if (lambda <= floor || lambda <= 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double ui = u.doubleValue(i, k) * lambda;
                for (int j = 0; j < n; j++) {
                    out[i][j] += ui * u.doubleValue(j, k);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (out[i][j] + out[j][i]);
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }

    /** Eigenvalues (any order) and the matching eigenvectors, {@code vectors[k]} the k-th, of a symmetric matrix. */
    record Eigen(double[] values, double[][] vectors) {
    }

    /** The eigen decomposition of a symmetric matrix (ojAlgo). */
    static Eigen eigen(double[][] a) {
        int n = a.length;
        R064Store m = R064Store.FACTORY.rows(a);
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, true);
        if (!evd.decompose(m)) {
            throw new ArithmeticException("eigen decomposition of a " + n + "×" + n + " matrix failed");
        }
        MatrixStore<Double> d = evd.getD();
        MatrixStore<Double> u = evd.getV();
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = d.doubleValue(k, k);
            for (int i = 0; i < n; i++) {
                vectors[k][i] = u.doubleValue(i, k);
            }
        }
        return new Eigen(values, vectors);
    }

    /** True when every entry of the matrix is exactly zero (Ω at the origin of the cone). */
    static boolean isZero(double[][] a) {
        for (double[] row : a) {
            for (double v : row) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
