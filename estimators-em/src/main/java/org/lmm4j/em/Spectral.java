package org.lmm4j.em;

import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * The spectral decomposition S = Σ_k λ_k v_kv_k' of a small symmetric matrix (ojAlgo), eigenvalues
 * ascending, and the boundary projections used by EM: the same matrix with its k smallest eigenvalues
 * set to zero.
 *
 * @param values  λ_1 ≤ ... ≤ λ_d
 * @param vectors vectors[k] = v_k (unit length)
 */
record Spectral(double[] values, double[][] vectors) {

    /** The decomposition of a symmetric matrix. */
    static Spectral of(double[][] a) {
        int d = a.length;
        if (d == 0) {
            return new Spectral(new double[0], new double[0][0]);
        }
        R064Store m = R064Store.FACTORY.rows(a);
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, true);
        if (!evd.decompose(m)) {
            throw new ArithmeticException("eigen decomposition failed");
        }
        MatrixStore<Double> dd = evd.getD();
        MatrixStore<Double> v = evd.getV();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(dd.doubleValue(x, x), dd.doubleValue(y, y)));
        double[] values = new double[d];
        double[][] vectors = new double[d][d];
        for (int k = 0; k < d; k++) {
            int c = order[k];
            values[k] = dd.doubleValue(c, c);
            double norm = 0;
            for (int i = 0; i < d; i++) {
                vectors[k][i] = v.doubleValue(i, c);
                norm += vectors[k][i] * vectors[k][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                vectors[k][i] /= norm;
            }
        }
        return new Spectral(values, vectors);
    }

    /** Σ_{k ≥ zeroed} max(λ_k, 0) v_kv_k': the matrix with its {@code zeroed} smallest eigenvalues set to zero. */
    double[][] withoutSmallest(int zeroed) {
        int d = values.length;
        double[][] out = new double[d][d];
        for (int k = zeroed; k < d; k++) {
            double lambda = Math.max(values[k], 0);
            double[] v = vectors[k];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    out[i][j] += lambda * v[i] * v[j];
                }
            }
        }
        return out;
    }

    /** The largest eigenvalue (0 for an empty matrix). */
    double largest() {
        return values.length == 0 ? 0 : values[values.length - 1];
    }

    /** The smallest eigenvalue (0 for an empty matrix). */
    double smallest() {
        return values.length == 0 ? 0 : values[0];
    }
}
