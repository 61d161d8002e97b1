package org.lmm4j.likelihood;

import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;

/**
 * The expected second derivative of the deviance with β held fixed,
 * I_kl(θ) = E ∂²Δ(β,θ)/∂θ_k∂θ_l = Σ_i tr(V_i⁻¹ ∂V_i/∂θ_k V_i⁻¹ ∂V_i/∂θ_l), with
 * ∂V_i/∂θ_k = (∂Σ/∂θ_k)[t_i,t_i] for a Σ parameter and Z_i (∂Ω/∂θ_k) Z_i' for an Ω parameter.
 * For REML the fixed-β objective is Δ(β,θ) + log det A(θ), A = Σ X_i'V_i⁻¹X_i, and at β = β̂(θ) (residuals with
 * covariance V − XA⁻¹X') its expected Hessian is Σ_i tr(V_i⁻¹V_ikV_i⁻¹V_il) − tr(A⁻¹M_kA⁻¹M_l) with
 * M_k = Σ_i X_i'V_i⁻¹V_ikV_i⁻¹X_i (for structures linear in θ): the REML terms of the two parts cancel but one.
 * Both are positive semi-definite for every admissible θ (the ML one is a Gram matrix; A^{-1/2}M_cA^{-1/2} is a
 * compression of V^{-1/2}V_cV^{-1/2}, so its squared norm is the smaller), which makes them the metric of
 * the Fisher-scoring θ-step (Jennrich and Schluchter's scoring, Lindstrom and Bates [1]).
 * Accumulated group by group on flat m_i × m_i arrays.
 */
public final class ExpectedInformation {

    private ExpectedInformation() {
    }

    /**
     * I(θ) as a K×K row-major array (K = length of θ), or null when some V_i is not positive definite;
     * {@code covBeta} = A⁻¹ selects the REML information, null the ML one.
     */
    public static double[] compute(ProfiledDeviance deviance, double[] theta, double[][] covBeta) {
        MixedModel model = deviance.model();
        int t = model.data().occasions();
        int q = model.data().q();
        int nSigma = model.sigmaParameterCount();
        int k = theta.length;
        CovarianceMatrices c = deviance.covariances(theta);
        double[][][] dSigma = model.residual().derivatives(deviance.sigmaTheta(theta), t);
        double[][][] dOmega = q > 0 ? model.randomEffects().derivatives(deviance.omegaTheta(theta), q) : new double[0][][];
        double[] info = new double[k * k];
        double[][] w = new double[k][];
        int p = model.data().p();
        boolean reml = covBeta != null && p > 0;
        double[] aInv = reml ? org.lmm4j.linalg.Matrices.flatten(covBeta) : null;
        double[][] mk = reml ? new double[k][p * p] : null;
        for (Group g : model.data().groups()) {
            GroupBlock b = deviance.block(g, c);
            if (!b.isPositiveDefinite()) {
                return null;
            }
            int m = g.size();
            if (m == 0) {
                continue;
            }
            double[] vinv = b.inverse();
            double[][] dvs = new double[k][];
            for (int a = 0; a < k; a++) {
                double[] dv = a < nSigma ? sigmaBlock(dSigma[a], g.occasion(), m) : omegaBlock(dOmega[a - nSigma], g.z(), m, q);
                dvs[a] = dv;
                w[a] = dv == null ? null : multiply(vinv, dv, m);
            }
            if (reml) {
                addRemlGroupTerms(g, b, dvs, p, m, k, mk);
            }
            for (int a = 0; a < k; a++) {
                if (w[a] == null) {
                    continue;
                }
                for (int e = 0; e <= a; e++) {
                    if (w[e] == null) {
                        continue;
                    }
                    double s = traceOfProduct(w[a], w[e], m);
                    info[a * k + e] += s;
                }
            }
        }
        if (reml) {
            // − tr(A⁻¹M_a A⁻¹M_e)
            double[][] n = new double[k][];
            for (int a = 0; a < k; a++) {
                n[a] = multiply(aInv, mk[a], p);
            }
            for (int a = 0; a < k; a++) {
                for (int e = 0; e <= a; e++) {
                    info[a * k + e] -= traceOfProduct(n[a], n[e], p);
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int e = 0; e < a; e++) {
                info[e * k + a] = info[a * k + e];
            }
        }
        return info;
    }

    /** Adds Q_i'V_aQ_i to M_a, with Q_i = V_i⁻¹X_i. */
    private static void addRemlGroupTerms(Group g, GroupBlock b, double[][] dvs, int p, int m, int k, double[][] mk) {
        double[] qx = g.x().clone();
        b.solve(qx, p);
        for (int a = 0; a < k; a++) {
            if (dvs[a] == null) {
                continue;
            }
            // M_a += Q'V_aQ
            double[] vq = new double[m * p];
            double[] dv = dvs[a];
            for (int j = 0; j < m; j++) {
                for (int l = 0; l < m; l++) {
                    double d = dv[j * m + l];
                    if (d == 0) {
                        continue;
                    }
                    for (int c = 0; c < p; c++) {
                        vq[j * p + c] += d * qx[l * p + c];
                    }
                }
            }
            double[] ma = mk[a];
            for (int j = 0; j < m; j++) {
                for (int c = 0; c < p; c++) {
                    double qjc = qx[j * p + c];
                    if (qjc == 0) {
                        continue;
                    }
                    for (int e = 0; e < p; e++) {
                        ma[c * p + e] += qjc * vq[j * p + e];
                    }
                }
            }
        }
    }

    /** (∂Σ/∂θ_k)[t_i,t_i], or null when it vanishes on this group's occasions. */
    private static double[] sigmaBlock(double[][] d, int[] occasion, int m) {
        double[] out = new double[m * m];
        boolean any = false;
        for (int j = 0; j < m; j++) {
            double[] row = d[occasion[j]];
            for (int l = 0; l < m; l++) {
                double v = row[occasion[l]];
                out[j * m + l] = v;
                any |= v != 0;
            }
        }
        return any ? out : null;
    }

    /** Z_i (∂Ω/∂θ_k) Z_i', or null when it vanishes. */
    private static double[] omegaBlock(double[][] d, double[] z, int m, int q) {
        double[] zd = new double[m * q];
        for (int j = 0; j < m; j++) {
            for (int a = 0; a < q; a++) {
                double s = 0;
                for (int b = 0; b < q; b++) {
                    s += z[j * q + b] * d[b][a];
                }
                zd[j * q + a] = s;
            }
        }
        double[] out = new double[m * m];
        boolean any = false;
        for (int j = 0; j < m; j++) {
            for (int l = 0; l < m; l++) {
                double s = 0;
                for (int a = 0; a < q; a++) {
                    s += zd[j * q + a] * z[l * q + a];
                }
                out[j * m + l] = s;
                any |= s != 0;
            }
        }
        return any ? out : null;
    }

    private static double[] multiply(double[] a, double[] b, int m) {
        double[] out = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < m; l++) {
                double ail = a[i * m + l];
                if (ail == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    out[i * m + j] += ail * b[l * m + j];
                }
            }
        }
        return out;
    }

    /** tr(A B) for m×m row-major A and B. */
    private static double traceOfProduct(double[] a, double[] b, int m) {
        double s = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                s += a[i * m + j] * b[j * m + i];
            }
        }
        return s;
    }
}
