package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.List;

/**
 * Detects a rank-deficient fixed-effects design X (docs/DESIGN.md §1: "a rank-deficient X is reported clearly, never
 * silently solved"). Modified Gram–Schmidt with re-orthogonalisation on the columns of X, in column order: a
 * column whose residual, after projection on the columns kept before it, has norm below {@code 1e-6} times its
 * own norm is aliased (numerically: beyond that, the normal equations of GLS, whose condition number is the
 * square of X's, would keep fewer than four significant digits of β̂); the earlier columns it is a combination of are found by back-substitution in R of
 * X = QR. Costs 2·N·p² flops and one N×p scratch copy, with no N×N matrix.
 */
final class RankCheck {

    /** Relative tolerance on ‖residual‖ / ‖column‖. */
    static final double TOLERANCE = 1e-6;

    /** An aliased column and the kept columns it is a linear combination of (empty when it is all zeros). */
    record Alias(int column, List<Integer> combinationOf) {
    }

    private RankCheck() {
    }

    /**
     * Checks the columns (each of length N, overwritten as scratch) and returns the aliased ones, in column
     * order; empty when X has full column rank.
     */
    static List<Alias> aliased(double[][] columns) {
        int p = columns.length;
        double[] norms = new double[p];
        double[][] r = new double[p][p];      // r[k][j]: coefficient of q_k in column j
        int[] kept = new int[p];
        int rank = 0;
        List<Alias> out = new ArrayList<>();
        for (int j = 0; j < p; j++) {
            double[] v = columns[j];
            double norm0 = Math.sqrt(dot(v, v));
            norms[j] = norm0;
            for (int pass = 0; pass < 2; pass++) {
                for (int a = 0; a < rank; a++) {
                    int k = kept[a];
                    double[] q = columns[k];
                    double c = dot(q, v);
                    r[k][j] += c;
                    axpy(-c, q, v);
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm0 == 0 || norm <= TOLERANCE * norm0) {
                out.add(new Alias(j, combination(r, kept, rank, j, norms)));
                continue;
            }
            r[j][j] = norm;
            double inv = 1.0 / norm;
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
            kept[rank++] = j;
        }
        return out;
    }

    /** Solves R c = r_j over the kept columns and lists those with a coefficient that matters. */
    private static List<Integer> combination(double[][] r, int[] kept, int rank, int j, double[] norms) {
        List<Integer> names = new ArrayList<>();
        if (norms[j] == 0) {
            return names;
        }
        double[] c = new double[rank];
        for (int a = rank - 1; a >= 0; a--) {
            int k = kept[a];
            double s = r[k][j];
            for (int b = a + 1; b < rank; b++) {
                s -= r[k][kept[b]] * c[b];
            }
            c[a] = s / r[k][k];
        }
        for (int a = 0; a < rank; a++) {
            if (Math.abs(c[a]) * norms[kept[a]] > 1e-7 * norms[j]) {
                names.add(kept[a]);
            }
        }
        return names;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }
}
