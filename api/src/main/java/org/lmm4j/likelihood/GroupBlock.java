package org.lmm4j.likelihood;

import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.Group;

/**
 * The marginal covariance of one group, V_i = Z_iΩZ_i' + Σ[t_i,t_i] (docs/DESIGN.md §1), factored as
 * V_i = L L'. Everything the likelihood does to a group goes through this one block, so V_i is
 * built in exactly one place. Row-major flat arrays throughout.
 *
 * <p>Σ[t_i,t_i] is read through {@link #sigmaEntry}: a T×T Σ at the group's occasions, or a 1×1 Σ = [σ²]
 * standing for σ²I (how {@link ProfiledDeviance} carries a scalar Σ, so that nothing costs T² when the
 * occasions are only row positions). The two readings agree whenever both apply (T = 1 means one row per
 * group).
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
            for (int k = 0; k <= j; k++) {
                v[j * m + k] = sigmaEntry(sigma, t, j, k);
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

    /** Σ[t_i,t_i] at rows (j, k): Σ[t_j][t_k], or for a 1×1 Σ = [σ²] standing for σ²I, σ² on the diagonal. */
    public static double sigmaEntry(double[][] sigma, int[] occasion, int j, int k) {
        if (sigma.length == 1) {
            return j == k ? sigma[0][0] : 0;
        }
        return sigma[occasion[j]][occasion[k]];
    }

    /**
     * The adjoint of {@link #sigmaEntry}: adds the m×m matrix {@code mat} into the Σ-shaped {@code into}, so that
     * ⟨into, S⟩ gains ⟨mat, S[t_i,t_i]⟩ for every S (for a 1×1 Σ, the trace of mat).
     */
    static void scatterSigma(double[] mat, int m, int[] occasion, double[][] into) {
        if (into.length == 1) {
            double tr = 0;
            for (int j = 0; j < m; j++) {
                tr += mat[j * m + j];
            }
            into[0][0] += tr;
            return;
        }
        for (int j = 0; j < m; j++) {
            double[] row = into[occasion[j]];
            for (int k = 0; k < m; k++) {
                row[occasion[k]] += mat[j * m + k];
            }
        }
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

    /** The residual r_i = y_i − X_iβ ({@link Group#residual}). */
    public double[] residual(double[] beta) {
        return group.residual(beta);
    }
}
