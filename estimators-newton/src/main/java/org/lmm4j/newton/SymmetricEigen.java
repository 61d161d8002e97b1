package org.lmm4j.newton;

import java.util.Arrays;
import java.util.Comparator;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * The spectral decomposition A = Q diag(values) Q' of a small symmetric matrix (ojAlgo), eigenvalues
 * ascending and eigenvectors as the columns of Q. Used for the modified Newton step, for clipping Ω onto
 * the positive semi-definite cone and for naming what degenerates in an unbounded fit.
 *
 * @param values  eigenvalues, ascending
 * @param vectors vectors[i][j] = component i of the eigenvector of values[j]
 */
record SymmetricEigen(double[] values, double[][] vectors) {

    static SymmetricEigen of(double[][] a) {
        int n = a.length;
        if (n == 0) {
            return new SymmetricEigen(new double[0], new double[0][0]);
        }
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i][j] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        R064Store m = R064Store.FACTORY.rows(sym);
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, true);
        if (!evd.decompose(m)) {
            throw new ArithmeticException("eigen decomposition failed");
        }
        MatrixStore<Double> d = evd.getD();
        MatrixStore<Double> v = evd.getV();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> d.doubleValue(i, i)));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int j = 0; j < n; j++) {
            values[j] = d.doubleValue(order[j], order[j]);
            for (int i = 0; i < n; i++) {
                vectors[i][j] = v.doubleValue(i, order[j]);
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** Q diag(f(values)) Q'. */
    double[][] compose(double[] newValues) {
        int n = values.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += vectors[i][k] * newValues[k] * vectors[j][k];
                }
                out[i][j] = s;
            }
        }
        return out;
    }
}
