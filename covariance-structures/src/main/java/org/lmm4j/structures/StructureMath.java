package org.lmm4j.structures;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * The small shared arithmetic of the covariance structures: lower-triangle indexing, dimension
 * checks, traces and band averages of d×d matrices, the normal-theory M-step objective
 * {@code −n log det S − tr(S⁻¹C)} and the repair of a sample covariance into a positive definite one.
 * Kept in one place so that no structure re-derives it.
 */
final class StructureMath {

    private StructureMath() {
    }

    /** Number of elements in the lower triangle (diagonal included) of a d×d matrix: d(d+1)/2. */
    static int triangleSize(int dimension) {
        return dimension * (dimension + 1) / 2;
    }

    /** Position of element (i, j), j ≤ i, in the row-wise lower triangle S00, S10, S11, S20, ... */
    static int lowerIndex(int i, int j) {
        return i >= j ? i * (i + 1) / 2 + j : j * (j + 1) / 2 + i;
    }

    /** Checks that the dimension is at least 1. */
    static void checkDimension(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
    }

    /** Checks that θ has the expected length. */
    static void checkLength(double[] theta, int expected, String structure) {
        if (theta.length != expected) {
            throw new IllegalArgumentException(structure + " expects " + expected + " parameters, got " + theta.length);
        }
    }

    /** The dimension of a square matrix; throws when it is not square or empty. */
    static int dimensionOf(double[][] matrix) {
        int d = matrix.length;
        checkDimension(d);
        for (double[] row : matrix) {
            if (row.length != d) {
                throw new IllegalArgumentException("matrix is not square");
            }
        }
        return d;
    }

    /** tr A. */
    static double trace(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i][i];
        }
        return s;
    }

    /**
     * Mean of the lag-k band {A_{j,j+k}}, both triangles averaged (so a non-symmetric input is
     * symmetrised first): the projection of A onto matrices constant along that band.
     */
    static double bandMean(double[][] a, int lag) {
        int d = a.length;
        double s = 0;
        for (int j = 0; j + lag < d; j++) {
            s += a[j + lag][j] + a[j][j + lag];
        }
        return s / (2.0 * (d - lag));
    }

    /** Sum of the lag-k band {A_{j,j+k}}, averaged over both triangles. */
    static double bandSum(double[][] a, int lag) {
        return bandMean(a, lag) * (a.length - lag);
    }

    /** A new d×d matrix with the value 1 on the band |j−k| = lag and 0 elsewhere. */
    static double[][] band(int dimension, int lag) {
        checkDimension(dimension);
        double[][] e = new double[dimension][dimension];
        for (int j = 0; j + lag < dimension; j++) {
            e[j + lag][j] = 1;
            e[j][j + lag] = 1;
        }
        return e;
    }

    /** The M-step objective {@code −n log det S − tr(S⁻¹C)} (see {@link CovarianceStructure#scatterObjective}). */
    static double objective(double[][] s, double[][] scatter, double n) {
        return CovarianceStructure.scatterObjective(s, scatter, n);
    }

    /** C/n, the scatter matrix scaled to a covariance. */
    static double[][] scaled(double[][] scatter, double n) {
        if (!(n > 0)) {
            throw new IllegalArgumentException("n must be positive, was " + n);
        }
        int d = dimensionOf(scatter);
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = 0.5 * (scatter[i][j] + scatter[j][i]) / n;
            }
        }
        return out;
    }

    /**
     * A positive definite version of a sample covariance for start values: the matrix itself when it
     * is positive definite; otherwise its off-diagonal part is shrunk towards the diagonal (with
     * non-positive variances replaced by the mean positive variance, or 1) until it is.
     */
    static double[][] positiveDefinite(double[][] sample) {
        int d = dimensionOf(sample);
        double[][] s = scaled(sample, 1);
        if (Matrices.isPositiveDefinite(s)) {
            return s;
        }
        double sum = 0;
        int count = 0;
        for (int i = 0; i < d; i++) {
            if (s[i][i] > 0 && Double.isFinite(s[i][i])) {
                sum += s[i][i];
                count++;
            }
        }
        double fallback = count > 0 ? sum / count : 1.0;
        for (int i = 0; i < d; i++) {
            if (!(s[i][i] > 0) || !Double.isFinite(s[i][i])) {
                s[i][i] = fallback;
            }
        }
        double[][] shrunk = Matrices.copy(s);
        for (double factor = 0.9; factor > 1e-3; factor *= 0.7) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    shrunk[i][j] = i == j ? s[i][i] : factor * (Double.isFinite(s[i][j]) ? s[i][j] : 0);
                }
            }
            if (Matrices.isPositiveDefinite(shrunk)) {
                return shrunk;
            }
        }
        double[][] diagonal = new double[d][d];
        for (int i = 0; i < d; i++) {
            diagonal[i][i] = s[i][i];
        }
        return diagonal;
    }

    /** List of names {@code prefix(1)..prefix(d)}. */
    static java.util.List<String> indexedNames(String prefix, int dimension) {
        java.util.List<String> names = new java.util.ArrayList<>(dimension);
        for (int i = 1; i <= dimension; i++) {
            names.add(prefix + "(" + i + ")");
        }
        return java.util.List.copyOf(names);
    }
}
