package org.lmm4j.linalg;

import java.util.Arrays;
import java.util.Comparator;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * The spectral decomposition A = Q diag(λ) Q' of a small symmetric matrix (ojAlgo), the project's only eigen
 * decomposition: eigenvalues ascending, eigenvectors as the columns of Q. Used for the modified Newton step, for the
 * projection onto the positive semi-definite cone and for naming what degenerates in an unbounded fit.
 *
 * @param values  eigenvalues λ_1 ≤ … ≤ λ_n
 * @param vectors vectors[i][j] = component i of the unit eigenvector of values[j]
 */
public record SymmetricEigen(double[] values, double[][] vectors) {

    /** The decomposition of the symmetric part (A + A')/2 of a square matrix. */
    public static SymmetricEigen of(double[][] a) {
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
            double norm = 0;
            for (int i = 0; i < n; i++) {
                vectors[i][j] = v.doubleValue(i, order[j]);
                norm += vectors[i][j] * vectors[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n && norm > 0; i++) {
                vectors[i][j] /= norm;
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** The dimension n. */
    public int dimension() {
        return values.length;
    }

    /** λ_1, the smallest eigenvalue (0 for an empty matrix). */
    public double smallest() {
        return values.length == 0 ? 0 : values[0];
    }

    /** λ_n, the largest eigenvalue (0 for an empty matrix). */
    public double largest() {
        return values.length == 0 ? 0 : values[values.length - 1];
    }

    /** The largest |λ|, the matrix's spectral norm. */
    public double spectralNorm() {
        return values.length == 0 ? 0 : Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
    }

    /** The unit eigenvector of values[j]. */
    public double[] vector(int j) {
        double[] e = new double[values.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = vectors[i][j];
        }
        return e;
    }

    /** Q diag(newValues) Q'. */
    public double[][] compose(double[] newValues) {
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

    /** M⁻¹v for M = Q diag(max(|λ|, floor)) Q': the inverse of the eigenvalue-floored absolute matrix. */
    public double[] solveFloored(double floor, double[] v) {
        int n = v.length;
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double coef = 0;
            for (int i = 0; i < n; i++) {
                coef += vectors[i][j] * v[i];
            }
            coef /= Math.max(Math.abs(values[j]), floor);
            for (int i = 0; i < n; i++) {
                out[i] += coef * vectors[i][j];
            }
        }
        return out;
    }
}
