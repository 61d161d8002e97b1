package org.lmm4j.likelihood;

import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.Group;

/**
 * The marginal covariance of one group, V_i = Z_iΩZ_i' + Σ[t_i,t_i] (docs/DESIGN.md §1), factored as
 * V_i = L L'. Everything the likelihood does to a group goes through this one block, so V_i is
 * built in exactly one place. Row-major flat arrays throughout.
 */
public final class GroupBlock {

    private final Group group;
    private final int m;
    private final double[] v;
    private final double[] l;
    private final boolean positiveDefinite;

    private GroupBlock(Group group, double[] v, double[] l, boolean positiveDefinite) {
        this.group = group;
        this.m = group.size();
        this.v = v;
        this.l = l;
        this.positiveDefinite = positiveDefinite;
    }

    /** Builds and factors V_i for the given Σ (T×T) and Ω (q×q). */
    public static GroupBlock of(Group g, double[][] sigma, double[][] omega) {
        int m = g.size();
        int q = omega.length;
        int[] t = g.occasion();
        double[] v = new double[m * m];
        for (int j = 0; j < m; j++) {
            double[] sRow = sigma[t[j]];
            for (int k = 0; k <= j; k++) {
                v[j * m + k] = sRow[t[k]];
            }
        }
        if (q > 0) {
            double[] z = g.z();
            double[] zo = new double[m * q];
            for (int j = 0; j < m; j++) {
                for (int a = 0; a < q; a++) {
                    double s = 0;
                    for (int b = 0; b < q; b++) {
                        s += z[j * q + b] * omega[b][a];
                    }
                    zo[j * q + a] = s;
                }
            }
            for (int j = 0; j < m; j++) {
                for (int k = 0; k <= j; k++) {
                    double s = 0;
                    for (int a = 0; a < q; a++) {
                        s += zo[j * q + a] * z[k * q + a];
                    }
                    v[j * m + k] += s;
                }
            }
        }
        org.lmm4j.linalg.Matrices.symmetrizeFromLower(v, m);
        double[] l = v.clone();
        boolean pd = Cholesky.factor(l, m);
        return new GroupBlock(g, v, l, pd);
    }

    /** The group this block belongs to. */
    public Group group() {
        return group;
    }

    /** m_i. */
    public int size() {
        return m;
    }

    /** False when V_i is not positive definite; nothing else may then be called. */
    public boolean isPositiveDefinite() {
        return positiveDefinite;
    }

    /** V_i itself (row-major copy). */
    public double[] v() {
        return v.clone();
    }

    /** log det V_i. */
    public double logDet() {
        return Cholesky.logDet(l, m);
    }

    /** Solves V_i w = b in place; b holds {@code cols} right-hand sides as b[row*cols + c]. */
    public void solve(double[] b, int cols) {
        Cholesky.solve(l, m, b, cols);
    }

    /** Solves L w = b in place (the whitening half-solve: w'w = b'V_i⁻¹b). */
    public void whiten(double[] b, int cols) {
        Cholesky.forward(l, m, b, cols);
    }

    /** V_i⁻¹ (m×m row-major). */
    public double[] inverse() {
        return Cholesky.inverse(l, m);
    }

    /** The residual r_i = y_i − X_iβ. */
    public double[] residual(double[] beta) {
        double[] y = group.y();
        double[] x = group.x();
        int p = beta.length;
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            double s = y[j];
            for (int c = 0; c < p; c++) {
                s -= x[j * p + c] * beta[c];
            }
            r[j] = s;
        }
        return r;
    }
}
