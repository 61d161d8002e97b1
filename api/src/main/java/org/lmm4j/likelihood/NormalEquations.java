package org.lmm4j.likelihood;

import org.lmm4j.model.Group;

/**
 * The GLS normal equations summed over groups: A = Σ X_i'V_i⁻¹X_i, Σ X_i'V_i⁻¹y_i, Σ y_i'V_i⁻¹y_i and
 * Σ log det V_i, from which {@link ProfiledDeviance#profile} solves β̂(θ) (docs/DESIGN.md §1).
 */
public final class NormalEquations implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int p;
    final double[][] xtx;
    final double[] xty;
    double yty;
    double logDet;
    boolean admissible = true;

    NormalEquations(int p) {
        this.p = p;
        this.xtx = new double[p][p];
        this.xty = new double[p];
    }

    void add(GroupBlock b) {
        if (!admissible || !b.isPositiveDefinite()) {
            admissible = false;
            return;
        }
        Group g = b.group();
        int m = g.size();
        int cols = p + 1;
        double[] w = new double[m * cols];
        double[] x = g.x();
        double[] y = g.y();
        for (int j = 0; j < m; j++) {
            System.arraycopy(x, j * p, w, j * cols, p);
            w[j * cols + p] = y[j];
        }
        b.whiten(w, cols);
        for (int j = 0; j < m; j++) {
            int row = j * cols;
            double wy = w[row + p];
            for (int a = 0; a < p; a++) {
                double wa = w[row + a];
                double[] xa = xtx[a];
                for (int c = 0; c <= a; c++) {
                    xa[c] += wa * w[row + c];
                }
                xty[a] += wa * wy;
            }
            yty += wy * wy;
        }
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < a; c++) {
                xtx[c][a] = xtx[a][c];
            }
        }
        logDet += b.logDet();
    }

    /** The sums of two disjoint sets of groups. */
    public NormalEquations merge(NormalEquations o) {
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < p; c++) {
                xtx[a][c] += o.xtx[a][c];
            }
            xty[a] += o.xty[a];
        }
        yty += o.yty;
        logDet += o.logDet;
        admissible &= o.admissible;
        return this;
    }
}
