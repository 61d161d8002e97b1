package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The analytic Hessian of the profiled criterion (Δ_p for ML, Δ_R for REML) with respect to θ, the
 * second-order half of Newton's method on the likelihood profiled over β (the paper, after Lindstrom
 * &amp; Bates, JASA 1988). Computed group by group through {@link GroupBlock}s; no N×N matrix is formed.
 *
 * <p>With V_i = Z_iΩZ_i' + Σ[t_i,t_i], P_i = V_i⁻¹, r_i = y_i − X_iβ̂, u_i = P_ir_i, dV_k = ∂V_i/∂θ_k
 * ((∂Σ/∂θ_k)[t_i,t_i] for a Σ parameter, Z_i(∂Ω/∂θ_k)Z_i' for an Ω parameter) and A = Σ_i X_i'P_iX_i:
 * <pre>
 *   ML:   H_kl = Σ_i [ −tr(P dV_k P dV_l) + 2 u'dV_k P dV_l u + tr((P − uu') ∂²V/∂θ_k∂θ_l) ] − 2 b_k'A⁻¹b_l,
 *         b_k = Σ_i X_i'P_i dV_k u_i   (the term profiling β adds: ∂β̂/∂θ_l = −A⁻¹b_l);
 *   REML: H_kl(ML) + 2 Σ_i tr(dV_k P dV_l M_i) − tr(A⁻¹C_kA⁻¹C_l) − Σ_i tr(M_i ∂²V/∂θ_k∂θ_l),
 *         M_i = P_iX_iA⁻¹X_i'P_i, C_k = Σ_i X_i'P_i dV_k P_iX_i   (the derivatives of log det A).
 * </pre>
 * The second-derivative terms are ⟨G_Σ, ∂²Σ/∂θ_k∂θ_l⟩ + ⟨G_Ω, ∂²Ω/∂θ_k∂θ_l⟩ with the matrix gradients
 * G_Σ, G_Ω of {@link Gradient} (which already hold the REML part), and vanish for linear structures.
 *
 * <p>Each pass also measures how close the groups' V_i come to singularity: the smallest
 * 1/((V_i⁻¹)_jj (V_i)_jj), one minus the squared multiple correlation of an observation with the rest of
 * its group (1 for a diagonal V_i, → 0 as V_i degenerates).
 */
final class ProfiledHessian {

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final ModelData data;
    private final int p;
    private final int q;
    private final int t;
    private final int nSigma;
    private final int observations;

    ProfiledHessian(ProfiledDeviance deviance) {
        this.deviance = deviance;
        this.model = deviance.model();
        this.data = model.data();
        this.p = data.p();
        this.q = data.q();
        this.t = data.occasions();
        this.nSigma = model.sigmaParameterCount();
        this.observations = data.observations();
    }


    /** The Hessian at θ, reusing the profile and the matrix gradients of {@code gradient} (computed at the same θ). */
    public CriterionHessian at(double[] theta, Gradient gradient) {
        if (deviance.hasSufficientStatistics()) {
            // Σ = σ²I: the same Hessian from the groups' sufficient statistics, O(q³ + pq) per group
            return deviance.sufficientStatisticsHessian(theta, gradient);
        }
        int n = theta.length;
        CovarianceMatrices c = deviance.covariances(theta);
        double[] beta = gradient.profile().beta();
        double[][] aInv = gradient.profile().covBeta();
        boolean reml = model.method() == Method.REML;
        double[][][] dSigma = model.residual().derivatives(deviance.sigmaTheta(theta), t);
        double[][][] dOmega = q > 0 ? model.randomEffects().derivatives(deviance.omegaTheta(theta), q) : new double[0][][];
        Context ctx = new Context(c.sigma(), c.omega(), dSigma, dOmega, beta, flatten(aInv, p), reml, p, q, n);

        Acc acc = GroupReduce.reduce(data.groups(), observations, () -> new Acc(ctx), Acc::add, Acc::merge);

        double[] groupTerms = new double[n * n];
        for (int k = 0; k < n * n; k++) {
            groupTerms[k] = -acc.t1[k] + 2 * acc.t2[k] + (reml ? 2 * acc.j[k] : 0);
        }
        double[][] h = ProfiledHessianTerms.assemble(groupTerms, acc.b, acc.c, ctx.aInv, n, p, reml);
        deviance.addSecondDerivativeTerms(h, theta, gradient);
        return new CriterionHessian(h, acc.worstId == null ? 1 : acc.worst, acc.worstId);
    }

    private static double[] flatten(double[][] a, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, out, i * n, n);
        }
        return out;
    }

    /** Everything a group needs that does not depend on the group. */
    private record Context(double[][] sigma, double[][] omega, double[][][] dSigma, double[][][] dOmega, double[] beta,
                           double[] aInv, boolean reml, int p, int q, int n) {
    }

    /** One group's sparse ∂Σ/∂θ_k[t_i,t_i]: the non-zero entries (row, column, value). */
    private static final class Sparse {
        int[] row = new int[16];
        int[] col = new int[16];
        double[] val = new double[16];
        int size;

        void clear() {
            size = 0;
        }

        void add(int r, int c, double v) {
            if (size == row.length) {
                row = java.util.Arrays.copyOf(row, 2 * size);
                col = java.util.Arrays.copyOf(col, 2 * size);
                val = java.util.Arrays.copyOf(val, 2 * size);
            }
            row[size] = r;
            col[size] = c;
            val[size] = v;
            size++;
        }
    }

    /** Per-chunk sums of the Hessian's pieces over groups. */
    private static final class Acc {
        final Context ctx;
        final int n;
        final int nS;
        final double[] t1;
        final double[] t2;
        final double[] b;
        final double[] c;
        final double[] j;
        double worst = Double.POSITIVE_INFINITY;
        String worstId;
        final List<Sparse> sparse = new ArrayList<>();

        Acc(Context ctx) {
            this.ctx = ctx;
            this.n = ctx.n;
            this.nS = ctx.dSigma.length;
            this.t1 = new double[n * n];
            this.t2 = new double[n * n];
            this.b = new double[n * ctx.p];
            this.c = ctx.reml ? new double[n * ctx.p * ctx.p] : null;
            this.j = ctx.reml ? new double[n * n] : null;
            for (int k = 0; k < nS; k++) {
                sparse.add(new Sparse());
            }
        }

        void add(Group g) {
            GroupBlock blk = GroupBlock.of(g, ctx.sigma, ctx.omega);
            if (!blk.isPositiveDefinite()) {
                worst = 0;
                worstId = g.id();
                return;
            }
            final int m = g.size();
            final int p = ctx.p;
            final int q = ctx.q;
            final double[] pm = blk.inverse();
            // 1/(P_jj V_jj) = 1 − R² of observation j on the others: → 0 exactly when V_i degenerates
            double[] vm = blk.v();
            double cond = 1;
            for (int a = 0; a < m; a++) {
                cond = Math.min(cond, 1 / (pm[a * m + a] * vm[a * m + a]));
            }
            if (worstId == null || cond < worst) {
                worst = cond;
                worstId = g.id();
            }
            double[] x = g.x();
            double[] z = g.z();
            int[] occ = g.occasion();
            double[] r = blk.residual(ctx.beta);
            double[] u = new double[m];
            mulVec(pm, r, u, m);

            // Ω side: R = PZ (m×q), S = Z'PZ (q×q), zu = Z'u (q)
            double[] rz = null;
            double[] s = null;
            double[] zu = null;
            if (q > 0) {
                rz = new double[m * q];
                for (int a = 0; a < m; a++) {
                    for (int e = 0; e < m; e++) {
                        double pae = pm[a * m + e];
                        if (pae != 0) {
                            for (int f = 0; f < q; f++) {
                                rz[a * q + f] += pae * z[e * q + f];
                            }
                        }
                    }
                }
                s = new double[q * q];
                zu = new double[q];
                for (int a = 0; a < m; a++) {
                    for (int f = 0; f < q; f++) {
                        double zaf = z[a * q + f];
                        zu[f] += zaf * u[a];
                        for (int h = 0; h < q; h++) {
                            s[f * q + h] += zaf * rz[a * q + h];
                        }
                    }
                }
            }
            // REML: Y = PX (m×p), ZtY = Z'Y (q×p)
            double[] y = null;
            double[] zty = null;
            if (ctx.reml) {
                y = new double[m * p];
                for (int a = 0; a < m; a++) {
                    for (int e = 0; e < m; e++) {
                        double pae = pm[a * m + e];
                        for (int f = 0; f < p; f++) {
                            y[a * p + f] += pae * x[e * p + f];
                        }
                    }
                }
                if (q > 0) {
                    zty = new double[q * p];
                    for (int a = 0; a < m; a++) {
                        for (int f = 0; f < q; f++) {
                            double zaf = z[a * q + f];
                            for (int h = 0; h < p; h++) {
                                zty[f * p + h] += zaf * y[a * p + h];
                            }
                        }
                    }
                }
            }

            int nO = n - nS;
            double[][] w = new double[n][];
            double[][] v = new double[n][];
            double[][] fm = new double[nS][];
            double[][] kk = ctx.reml ? new double[n][] : null;
            double[][] hk = ctx.reml ? new double[n][] : null;
            // Σ parameters: the sparse gather of ∂Σ/∂θ_k at this group's occasions
            for (int k = 0; k < nS; k++) {
                Sparse d = sparse.get(k);
                d.clear();
                double[][] ds = ctx.dSigma[k];
                for (int a = 0; a < m; a++) {
                    double[] row = ds[occ[a]];
                    for (int e = 0; e < m; e++) {
                        double val = row[occ[e]];
                        if (val != 0) {
                            d.add(a, e, val);
                        }
                    }
                }
                // F_k = P D_k (m×m)
                double[] f = new double[m * m];
                for (int idx = 0; idx < d.size; idx++) {
                    int bb = d.row[idx];
                    int cc = d.col[idx];
                    double val = d.val[idx];
                    for (int a = 0; a < m; a++) {
                        f[a * m + cc] += pm[a * m + bb] * val;
                    }
                }
                fm[k] = f;
                double[] wk = new double[m];
                for (int idx = 0; idx < d.size; idx++) {
                    wk[d.row[idx]] += d.val[idx] * u[d.col[idx]];
                }
                w[k] = wk;
                double[] vk = new double[m];
                mulVec(pm, wk, vk, m);
                v[k] = vk;
                if (ctx.reml) {
                    double[] kmat = new double[m * p];
                    for (int idx = 0; idx < d.size; idx++) {
                        int bb = d.row[idx];
                        int cc = d.col[idx];
                        double val = d.val[idx];
                        for (int h = 0; h < p; h++) {
                            kmat[bb * p + h] += val * y[cc * p + h];
                        }
                    }
                    kk[k] = kmat;
                    double[] hmat = new double[m * p];
                    for (int a = 0; a < m; a++) {
                        for (int e = 0; e < m; e++) {
                            double fae = f[a * m + e];
                            if (fae != 0) {
                                for (int h = 0; h < p; h++) {
                                    hmat[a * p + h] += fae * y[e * p + h];
                                }
                            }
                        }
                    }
                    hk[k] = hmat;
                }
            }
            // Ω parameters: dV_k = Z E_k Z'
            double[][] se = new double[nO][];
            double[][] ezu = new double[nO][];
            for (int o = 0; o < nO; o++) {
                int k = nS + o;
                double[][] ek = ctx.dOmega[o];
                double[] ez = new double[q];
                for (int f = 0; f < q; f++) {
                    double sum = 0;
                    for (int h = 0; h < q; h++) {
                        sum += ek[f][h] * zu[h];
                    }
                    ez[f] = sum;
                }
                ezu[o] = ez;
                double[] wk = new double[m];
                double[] vk = new double[m];
                for (int a = 0; a < m; a++) {
                    double sw = 0;
                    double sv = 0;
                    for (int f = 0; f < q; f++) {
                        sw += z[a * q + f] * ez[f];
                        sv += rz[a * q + f] * ez[f];
                    }
                    wk[a] = sw;
                    vk[a] = sv;
                }
                w[k] = wk;
                v[k] = vk;
                // S E_k
                double[] sek = new double[q * q];
                for (int f = 0; f < q; f++) {
                    for (int h = 0; h < q; h++) {
                        double sum = 0;
                        for (int e = 0; e < q; e++) {
                            sum += s[f * q + e] * ek[e][h];
                        }
                        sek[f * q + h] = sum;
                    }
                }
                se[o] = sek;
                if (ctx.reml) {
                    // E_k Z'Y (q×p); K_k = Z (E_k Z'Y), H_k = R (E_k Z'Y)
                    double[] ezy = new double[q * p];
                    for (int f = 0; f < q; f++) {
                        for (int h = 0; h < p; h++) {
                            double sum = 0;
                            for (int e = 0; e < q; e++) {
                                sum += ek[f][e] * zty[e * p + h];
                            }
                            ezy[f * p + h] = sum;
                        }
                    }
                    double[] kmat = new double[m * p];
                    double[] hmat = new double[m * p];
                    for (int a = 0; a < m; a++) {
                        for (int f = 0; f < q; f++) {
                            double zaf = z[a * q + f];
                            double raf = rz[a * q + f];
                            for (int h = 0; h < p; h++) {
                                kmat[a * p + h] += zaf * ezy[f * p + h];
                                hmat[a * p + h] += raf * ezy[f * p + h];
                            }
                        }
                    }
                    kk[k] = kmat;
                    hk[k] = hmat;
                }
            }

            // T1 = tr(P dV_k P dV_l), T2 = w_k'v_l
            for (int k = 0; k < n; k++) {
                double[] wk = w[k];
                for (int l = k; l < n; l++) {
                    double[] vl = v[l];
                    double s2 = 0;
                    for (int a = 0; a < m; a++) {
                        s2 += wk[a] * vl[a];
                    }
                    t2[k * n + l] += s2;
                }
            }
            for (int k = 0; k < nS; k++) {
                double[] fk = fm[k];
                for (int l = k; l < nS; l++) {
                    double[] fl = fm[l];
                    double s1 = 0;
                    for (int a = 0; a < m; a++) {
                        for (int e = 0; e < m; e++) {
                            s1 += fk[a * m + e] * fl[e * m + a];
                        }
                    }
                    t1[k * n + l] += s1;
                }
                if (nO > 0) {
                    // R'D_kR (q×q)
                    Sparse d = sparse.get(k);
                    double[] dr = new double[m * q];
                    for (int idx = 0; idx < d.size; idx++) {
                        int bb = d.row[idx];
                        int cc = d.col[idx];
                        double val = d.val[idx];
                        for (int f = 0; f < q; f++) {
                            dr[bb * q + f] += val * rz[cc * q + f];
                        }
                    }
                    double[] rdr = new double[q * q];
                    for (int a = 0; a < m; a++) {
                        for (int f = 0; f < q; f++) {
                            double raf = rz[a * q + f];
                            for (int h = 0; h < q; h++) {
                                rdr[f * q + h] += raf * dr[a * q + h];
                            }
                        }
                    }
                    for (int o = 0; o < nO; o++) {
                        double[][] el = ctx.dOmega[o];
                        double s1 = 0;
                        for (int f = 0; f < q; f++) {
                            for (int h = 0; h < q; h++) {
                                s1 += rdr[f * q + h] * el[h][f];
                            }
                        }
                        t1[k * n + nS + o] += s1;
                    }
                }
            }
            for (int o = 0; o < nO; o++) {
                double[] sk = se[o];
                for (int o2 = o; o2 < nO; o2++) {
                    double[] sl = se[o2];
                    double s1 = 0;
                    for (int f = 0; f < q; f++) {
                        for (int h = 0; h < q; h++) {
                            s1 += sk[f * q + h] * sl[h * q + f];
                        }
                    }
                    t1[(nS + o) * n + nS + o2] += s1;
                }
            }
            // b_k = X'v_k
            for (int k = 0; k < n; k++) {
                double[] vk = v[k];
                for (int a = 0; a < m; a++) {
                    double va = vk[a];
                    for (int h = 0; h < p; h++) {
                        b[k * p + h] += x[a * p + h] * va;
                    }
                }
            }
            if (ctx.reml) {
                double[] ai = ctx.aInv;
                int pp = p * p;
                double[][] ka = new double[n][];
                for (int k = 0; k < n; k++) {
                    double[] kmat = kk[k];
                    // C_k += Y'K_k
                    for (int a = 0; a < m; a++) {
                        for (int f = 0; f < p; f++) {
                            double yaf = y[a * p + f];
                            for (int h = 0; h < p; h++) {
                                c[k * pp + f * p + h] += yaf * kmat[a * p + h];
                            }
                        }
                    }
                    double[] kai = new double[m * p];
                    for (int a = 0; a < m; a++) {
                        for (int h = 0; h < p; h++) {
                            double sum = 0;
                            for (int e = 0; e < p; e++) {
                                sum += kmat[a * p + e] * ai[e * p + h];
                            }
                            kai[a * p + h] = sum;
                        }
                    }
                    ka[k] = kai;
                }
                for (int k = 0; k < n; k++) {
                    double[] kai = ka[k];
                    for (int l = k; l < n; l++) {
                        double[] hl = hk[l];
                        double sum = 0;
                        for (int a = 0; a < m * p; a++) {
                            sum += kai[a] * hl[a];
                        }
                        j[k * n + l] += sum;
                    }
                }
            }
        }

        Acc merge(Acc o) {
            add(t1, o.t1);
            add(t2, o.t2);
            add(b, o.b);
            if (c != null) {
                add(c, o.c);
                add(j, o.j);
            }
            if (o.worstId != null && (worstId == null || o.worst < worst)) {
                worst = o.worst;
                worstId = o.worstId;
            }
            return this;
        }

        private static void add(double[] into, double[] from) {
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }

        private static void mulVec(double[] a, double[] xv, double[] out, int m) {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int e = 0; e < m; e++) {
                    sum += a[i * m + e] * xv[e];
                }
                out[i] = sum;
            }
        }
    }
}
