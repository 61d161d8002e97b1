package org.lmm4j.likelihood;

import java.util.List;
import org.lmm4j.linalg.Givens;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The model's data in well-conditioned working coordinates, built once per model so that no path sums
 * cross-products of uncentred columns (docs/DESIGN.md §4: y and covariates shifted by up to 10¹⁰ times their spread).
 *
 * <p>A QR factorisation of the stacked [X y] over all rows, by Givens rotations one row at a time (backward
 * stable, O(Np²), no N×p copy), gives X = QR and the least-squares fit β₀ = R⁻¹Q'y. The working data are
 * <pre>
 *   X̃ = X R⁻¹  (orthonormal columns),   ỹ = y − Xβ₀  (the least-squares residual),
 * </pre>
 * each row computed directly from the row itself (ỹ_j in compensated arithmetic, {@link Group#residual}, since y_j and
 * x_jβ₀ may agree to ten digits), so the only rounding is that of the data. Why this and
 * not centring: it needs no intercept column, treats shifted and rescaled covariates alike, and both
 * criteria are exactly invariant: y → y − Xβ₀ is a shift by X·(−β₀), under which Δ_p and Δ_R are unchanged and
 * β̂ shifts by −β₀ (docs/DESIGN.md §4); X → XR⁻¹ is a reparametrisation under which Δ_p is unchanged,
 * log det(Σ X_i'V_i⁻¹X_i) drops by 2 log|det R| and β = R⁻¹β̃. Hence, with a tilde for working quantities,
 * <pre>
 *   β̂ = β₀ + R⁻¹β̃,   cov β̂ = R⁻¹ cov(β̃) R⁻ᵀ,   log det A = log det Ã + 2 Σ_j log|R_jj|,   β̃ = R(β − β₀).
 * </pre>
 * Z and the occasions are untouched. When X is numerically rank-deficient (some R_jj at rounding level against
 * its column's norm, {@link #ALIASED}) the working data are the data themselves, so that the profile's safety
 * net detects the aliasing.
 */
public final class WorkingDesign implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * R_jj² at or below this share of ‖x_j‖² means column j is aliased with the earlier ones: R_jj ≤ 1e-13‖x_j‖,
     * three decades above the rounding of R_jj (about ε‖x_j‖), so that a covariate shifted by up to 10¹² times
     * its spread beside an intercept (R_jj/‖x_j‖ = spread/shift) is not mistaken for an aliased one. The model
     * compiler rejects designs aliased to within 1e-6 first, with a message naming the columns.
     */
    private static final double ALIASED = 1e-26;

    private final List<Group> groups;
    private final int p;
    private final double[] beta0;
    /** R, p×p upper triangular row-major; null for the identity transform. */
    private final double[] r;
    private final double logDetShift;

    private WorkingDesign(List<Group> groups, int p, double[] beta0, double[] r, double logDetShift) {
        this.groups = groups;
        this.p = p;
        this.beta0 = beta0;
        this.r = r;
        this.logDetShift = logDetShift;
    }

    /**
     * The working coordinates of the model's data: one pass for R (chunks of groups rotated on both cores and their
     * triangles merged in chunk order, {@link GroupReduce}), one for the working rows.
     */
    static WorkingDesign of(ModelData data) {
        List<Group> groups = data.groups();
        int observations = data.observations();
        Rows rows = GroupReduce.reduce(groups, observations, () -> new Rows(data.p()), Rows::add, Rows::merge);
        WorkingDesign transform = of(rows);
        if (transform.r == null) {
            return new WorkingDesign(groups, transform.p, transform.beta0, null, 0);
        }
        List<Group> working = GroupReduce.map(groups.size(), observations, i -> transform.working(groups.get(i)));
        return new WorkingDesign(List.copyOf(working), transform.p, transform.beta0, transform.r,
                transform.logDetShift);
    }

    /**
     * The Givens triangle of the stacked [X y] over some rows, and the squared norms of X's columns: rows are
     * rotated in one at a time ({@link #add}), and the triangles of two disjoint sets of rows combine by rotating
     * the rows of one into the other ({@link #merge}: the R of [A; B] is that of [R_A; R_B]), so that the rows
     * may be split over threads or machines.
     */
    public static final class Rows implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int p;
        private final double[] rr;
        private final double[] norm2;

        /** No rows yet, for p fixed effects. */
        public Rows(int p) {
            this.p = p;
            this.rr = new double[(p + 1) * (p + 1)];
            this.norm2 = new double[p];
        }

        /** Rotates in the rows of a group. */
        public Rows add(Group g) {
            int cols = p + 1;
            double[] w = new double[cols];
            double[] x = g.x();
            double[] y = g.y();
            for (int j = 0; j < g.size(); j++) {
                System.arraycopy(x, j * p, w, 0, p);
                w[p] = y[j];
                for (int a = 0; a < p; a++) {
                    norm2[a] += w[a] * w[a];
                }
                Givens.rotateIn(rr, w, cols);
            }
            return this;
        }

        /** The triangle of both sets of rows (this one is updated and returned). */
        public Rows merge(Rows o) {
            int cols = p + 1;
            double[] w = new double[cols];
            for (int k = 0; k < cols; k++) {
                System.arraycopy(o.rr, k * cols, w, 0, cols);
                Givens.rotateIn(rr, w, cols);
            }
            for (int a = 0; a < p; a++) {
                norm2[a] += o.norm2[a];
            }
            return this;
        }
    }

    /**
     * The transform from the triangle of all rows, holding no groups: {@link #working} maps a group to working
     * coordinates, row by row, wherever the group lives.
     */
    public static WorkingDesign of(Rows rows) {
        int p = rows.p;
        int cols = p + 1;
        double[] rr = rows.rr;
        double[] beta0 = new double[p];
        boolean fullRank = true;
        for (int a = 0; a < p; a++) {
            double d = rr[a * cols + a];
            fullRank &= d * d > ALIASED * rows.norm2[a] && Double.isFinite(d);
        }
        if (p == 0 || !fullRank) {
            return new WorkingDesign(List.of(), p, beta0, null, 0);
        }
        double[] r = new double[p * p];
        for (int a = 0; a < p; a++) {
            System.arraycopy(rr, a * cols, r, a * p, p);
            beta0[a] = rr[a * cols + p];
        }
        Givens.backSubstitute(r, p, beta0);
        double logDetShift = 0;
        for (int a = 0; a < p; a++) {
            logDetShift += 2 * Math.log(Math.abs(r[a * p + a]));
        }
        return new WorkingDesign(List.of(), p, beta0, r, logDetShift);
    }

    /** A group in working coordinates: x̃_j = x_jR⁻¹, ỹ_j = y_j − x_jβ₀ (the group itself for the identity). */
    public Group working(Group g) {
        if (r == null) {
            return g;
        }
        int m = g.size();
        double[] x = g.x();
        double[] xw = new double[m * p];
        double[] yw = g.residual(beta0);
        for (int j = 0; j < m; j++) {
            // x̃_j = x_j R⁻¹: solve R'x̃_j' = x_j' (forward substitution with the lower triangle R')
            for (int a = 0; a < p; a++) {
                double v = x[j * p + a];
                for (int b = 0; b < a; b++) {
                    v -= r[b * p + a] * xw[j * p + b];
                }
                xw[j * p + a] = v / r[a * p + a];
            }
        }
        return new Group(g.id(), yw, xw, g.z(), g.occasion());
    }

    /** True when X has columns but is numerically rank deficient ({@link #ALIASED}): β is not identified. */
    public boolean aliased() {
        return p > 0 && r == null;
    }

    /** True when X is of full rank and the working coordinates differ from the data's. */
    public boolean transforms() {
        return r != null;
    }

    /** The groups in working coordinates (the model's own groups for the identity transform). */
    List<Group> groups() {
        return groups;
    }

    /** β₀, the least-squares fit of y on X (zero for the identity transform). */
    public double[] leastSquares() {
        return beta0.clone();
    }

    /** β̃ = R(β − β₀). */
    double[] toWorking(double[] beta) {
        double[] d = new double[p];
        for (int a = 0; a < p; a++) {
            d[a] = beta[a] - beta0[a];
        }
        if (r == null) {
            return d;
        }
        double[] out = new double[p];
        for (int a = 0; a < p; a++) {
            double s = 0;
            for (int b = a; b < p; b++) {
                s += r[a * p + b] * d[b];
            }
            out[a] = s;
        }
        return out;
    }

    /** The profile in the model's coordinates from the working one. */
    Profile toModel(Profile working) {
        if (!working.admissible() || r == null) {
            return working;
        }
        double[] beta = working.beta().clone();
        Givens.backSubstitute(r, p, beta);
        for (int a = 0; a < p; a++) {
            beta[a] += beta0[a];
        }
        return new Profile(true, beta, covarianceToModel(working.covBeta()), working.logDetV(), working.weightedRss(),
                working.logDetXtVinvX() + logDetShift);
    }

    /** A p×p matrix of β̃'s scale (a covariance, or its derivative) in the model's coordinates: R⁻¹ C R⁻ᵀ. */
    double[][] covarianceToModel(double[][] c) {
        if (r == null) {
            return c;
        }
        // back-substitute the columns of C, then the rows of the result
        double[] col = new double[p];
        double[][] half = new double[p][p];
        for (int b = 0; b < p; b++) {
            for (int a = 0; a < p; a++) {
                col[a] = c[a][b];
            }
            Givens.backSubstitute(r, p, col);
            for (int a = 0; a < p; a++) {
                half[a][b] = col[a];
            }
        }
        double[][] cov = new double[p][p];
        for (int a = 0; a < p; a++) {
            System.arraycopy(half[a], 0, col, 0, p);
            Givens.backSubstitute(r, p, col);
            cov[a] = col.clone();
        }
        return cov;
    }

    /** log det A − log det Ã = 2 Σ_j log|R_jj| (zero for the identity transform). */
    double logDetShift() {
        return logDetShift;
    }
}
