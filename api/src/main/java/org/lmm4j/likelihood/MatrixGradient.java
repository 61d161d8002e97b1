package org.lmm4j.likelihood;

import org.lmm4j.model.Group;

/**
 * G_Σ and G_Ω, the gradient of the criterion with respect to the matrices Σ and Ω, summed over groups:
 * G_Σ = Σ_i scatter of M_i = V_i⁻¹ − u_iu_i' (− V_i⁻¹X_iA⁻¹X_i'V_i⁻¹ for REML) into [t_i,t_i] (for a 1×1 Σ, tr M_i),
 * G_Ω = Σ_i Z_i'M_iZ_i, with u_i = V_i⁻¹(y_i − X_iβ).
 */
public final class MatrixGradient implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final double[][] sigma;
    final double[][] omega;
    final int q;

    MatrixGradient(int t, int q) {
        this.sigma = new double[t][t];
        this.omega = new double[q][q];
        this.q = q;
    }

    void add(GroupBlock b, double[] beta, double[][] covBetaForReml) {
        Group g = b.group();
        int m = g.size();
        int p = beta.length;
        double[] pInv = b.inverse();
        double[] u = b.residual(beta);
        b.solve(u, 1);
        double[] mat = pInv;
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < m; k++) {
                mat[j * m + k] -= u[j] * u[k];
            }
        }
        if (covBetaForReml != null && p > 0) {
            // V⁻¹X (m×p)
            double[] vx = g.x().clone();
            b.solve(vx, p);
            double[] vxa = new double[m * p];
            for (int j = 0; j < m; j++) {
                for (int a = 0; a < p; a++) {
                    double s = 0;
                    for (int c = 0; c < p; c++) {
                        s += vx[j * p + c] * covBetaForReml[c][a];
                    }
                    vxa[j * p + a] = s;
                }
            }
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    double s = 0;
                    for (int a = 0; a < p; a++) {
                        s += vxa[j * p + a] * vx[k * p + a];
                    }
                    mat[j * m + k] -= s;
                }
            }
        }
        GroupBlock.scatterSigma(mat, m, g.occasion(), sigma);
        if (q > 0) {
            double[] z = g.z();
            double[] mz = new double[m * q];
            for (int j = 0; j < m; j++) {
                for (int a = 0; a < q; a++) {
                    double s = 0;
                    for (int k = 0; k < m; k++) {
                        s += mat[j * m + k] * z[k * q + a];
                    }
                    mz[j * q + a] = s;
                }
            }
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    double s = 0;
                    for (int j = 0; j < m; j++) {
                        s += z[j * q + a] * mz[j * q + c];
                    }
                    omega[a][c] += s;
                }
            }
        }
    }

    /** The sums of two disjoint sets of groups. */
    public MatrixGradient merge(MatrixGradient o) {
        for (int a = 0; a < sigma.length; a++) {
            for (int c = 0; c < sigma.length; c++) {
                sigma[a][c] += o.sigma[a][c];
            }
        }
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < q; c++) {
                omega[a][c] += o.omega[a][c];
            }
        }
        return this;
    }
}
