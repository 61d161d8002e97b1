package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.model.Group;

/**
 * The block path's group terms of {@link SecondOrderSums}: T1, T2, J, b_k and C_k of one group from its
 * factored V_i ({@link GroupBlock}), with P_i = V_i⁻¹ formed once, ∂V_i/∂θ_k = (∂Σ/∂θ_k)[t_i,t_i] for a Σ
 * parameter (gathered sparsely) and Z_i(∂Ω/∂θ_k)Z_i' for an Ω parameter (never formed: everything goes through
 * P_iZ_i and Z_i'P_iZ_i). Also the group's conditioning min_j 1/((V_i⁻¹)_jj (V_i)_jj), one minus the squared
 * multiple correlation of an observation with the rest of its group (1 for a diagonal V_i, → 0 as V_i
 * degenerates). One instance per chunk: it owns the scratch of the sparse gathers.
 */
final class BlockSecondOrder {

    private final List<Sparse> sparse = new ArrayList<>();

    BlockSecondOrder(int sigmaParameters) {
        for (int k = 0; k < sigmaParameters; k++) {
            sparse.add(new Sparse());
        }
    }

    /** Adds the terms of the group of {@code blk} (index {@code index}) at the point {@code pt}. */
    void add(SecondOrderSums sums, GroupBlock blk, int index, CriterionPath.Point pt) {
        Group g = blk.group();
        if (!blk.isPositiveDefinite()) {
            sums.notPositiveDefinite(index);
            return;
        }
        final int m = g.size();
        final int p = pt.p();
        final int q = pt.q();
        final int n = sums.n;
        final double[] pm = blk.inverse();
        // 1/(P_jj V_jj) = 1 − R² of observation j on the others: → 0 exactly when V_i degenerates
        double[] vm = blk.v();
        double cond = 1;
        for (int a = 0; a < m; a++) {
            cond = Math.min(cond, 1 / (pm[a * m + a] * vm[a * m + a]));
        }
        sums.condition(cond, index);
        double[] x = g.x();
        double[] z = g.z();
        int[] occ = g.occasion();
        double[] r = blk.residual(pt.beta());
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
        if (pt.covarianceTerms()) {
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

        int nS = pt.dSigma().length;
        int nO = n - nS;
        double[][] w = new double[n][];
        double[][] v = new double[n][];
        double[][] fm = new double[nS][];
        double[][] kk = pt.covarianceTerms() ? new double[n][] : null;
        double[][] hk = pt.covarianceTerms() ? new double[n][] : null;
        // Σ parameters: the sparse gather of ∂Σ/∂θ_k at this group's occasions
        for (int k = 0; k < nS; k++) {
            Sparse d = sparse.get(k);
            d.clear();
            double[][] ds = pt.dSigma()[k];
            for (int a = 0; a < m; a++) {
                for (int e = 0; e < m; e++) {
                    double val = GroupBlock.sigmaEntry(ds, occ, a, e);
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
            if (pt.covarianceTerms()) {
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
            double[][] ek = pt.dOmega()[o];
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
            if (pt.covarianceTerms()) {
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
                sums.t2[k * n + l] += s2;
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
                sums.t1[k * n + l] += s1;
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
                    double[][] el = pt.dOmega()[o];
                    double s1 = 0;
                    for (int f = 0; f < q; f++) {
                        for (int h = 0; h < q; h++) {
                            s1 += rdr[f * q + h] * el[h][f];
                        }
                    }
                    sums.t1[k * n + nS + o] += s1;
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
                sums.t1[(nS + o) * n + nS + o2] += s1;
            }
        }
        // b_k = X'v_k
        for (int k = 0; k < n; k++) {
            double[] vk = v[k];
            for (int a = 0; a < m; a++) {
                double va = vk[a];
                for (int h = 0; h < p; h++) {
                    sums.b[k * p + h] += x[a * p + h] * va;
                }
            }
        }
        if (pt.covarianceTerms()) {
            double[] ai = pt.aInv();
            int pp = p * p;
            double[][] ka = new double[n][];
            for (int k = 0; k < n; k++) {
                double[] kmat = kk[k];
                // C_k += Y'K_k
                for (int a = 0; a < m; a++) {
                    for (int f = 0; f < p; f++) {
                        double yaf = y[a * p + f];
                        for (int h = 0; h < p; h++) {
                            sums.c[k * pp + f * p + h] += yaf * kmat[a * p + h];
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
            for (int k = 0; pt.reml() && k < n; k++) {
                double[] kai = ka[k];
                for (int l = k; l < n; l++) {
                    double[] hl = hk[l];
                    double sum = 0;
                    for (int a = 0; a < m * p; a++) {
                        sum += kai[a] * hl[a];
                    }
                    sums.j[k * n + l] += sum;
                }
            }
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
}
