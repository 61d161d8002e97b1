package org.lmm4j.likelihood;

import org.lmm4j.linalg.Cholesky;

/**
 * The second-order sums of the criterion on the sufficient-statistics path (Σ = σ²I): T1, T2, J, b_k and C_k
 * of {@link SecondOrderSums}, O(q³ + q²p + qp²) per group and parameter pair, and the groups' conditioning
 * min_j 1/((V_i⁻¹)_jj(V_i)_jj), O(m_iq²) per group, never an m_i×m_i matrix. Groups handed over by
 * {@link ReducedGroups#handOver} add the block path's terms ({@link BlockSecondOrder}).
 */
final class SufficientStatisticsHessian extends ReducedGroups {

    SufficientStatisticsHessian(ReducedGroups reduction) {
        super(reduction);
    }

    /**
     * The {@link SecondOrderSums} of the criterion on the sufficient statistics, in the algebra of operators αΠ_i + Q_iDQ_i' (closed under products,
     * tr = α(m_i − r_i) + tr D): with P_i = V_i⁻¹ = (σ⁻², C_i⁻¹), ∂V_i/∂θ_k = (γ_k, γ_kI) for a Σ parameter
     * (∂Σ/∂θ_k = γ_kI) and (0, R_iE_kR_i') for an Ω parameter (E_k = ∂Ω/∂θ_k),
     * <pre>
     *   tr(P dV_k P dV_l) = (m_i − r_i)σ⁻⁴α_kα_l + tr(C⁻¹D_kC⁻¹D_l)
     *   u'dV_k P dV_l u   = σ⁻⁶α_kα_l r'Πr + w'D_kC⁻¹D_lw
     *   X'P dV_k u        = σ⁻⁴α_k(Π-X'y − Π-X'Xβ) + (C⁻¹a)'D_kw
     *   X'P dV_k P dV_l P X = σ⁻⁶α_kα_l Π-X'X + (D_kC⁻¹a)'C⁻¹(D_lC⁻¹a),   X'P dV_k P X = σ⁻⁴α_k Π-X'X + (C⁻¹a)'D_k(C⁻¹a)
     * </pre>
     * (the terms T1, T2, b_k, C_k and J of {@link SecondOrderSums}), with Σ = [σ²] and ∂Σ/∂θ_k = [γ_k]. A group
     * handed over ({@link ReducedGroups#handOver}) adds the block path's terms instead.
     */
    SecondOrderSums sums(CriterionPath.Point pt) {
        double sigma2 = pt.c().sigma()[0][0];
        double[][] omega = pt.c().omega();
        double[][][] dOmega = pt.dOmega();
        double[] beta = pt.beta();
        boolean reml = pt.reml();
        boolean cTerms = pt.covarianceTerms();
        int nS = pt.dSigma().length;
        double[] gamma = new double[nS];
        for (int k = 0; k < nS; k++) {
            gamma[k] = pt.dSigma()[k][0][0];
        }
        int nT = nS + dOmega.length;
        double pi = 1 / sigma2;
        double pi2 = pi * pi;
        double pi3 = pi2 * pi;
        double[] ai = pt.aInv();
        double[] omegaFlat = new double[q * q];
        for (int a = 0; a < q; a++) {
            System.arraycopy(omega[a], 0, omegaFlat, a * q, q);
        }
        double[] alpha = new double[nT];
        System.arraycopy(gamma, 0, alpha, 0, nS);
        int[][] nonZero = new int[dOmega.length][];
        double[][] nonZeroValue = new double[dOmega.length][];
        for (int k = 0; k < dOmega.length; k++) {
            int count = 0;
            for (double[] row : dOmega[k]) {
                for (double v : row) {
                    count += v != 0 ? 1 : 0;
                }
            }
            nonZero[k] = new int[2 * count];
            nonZeroValue[k] = new double[count];
            int e = 0;
            for (int a = 0; a < q; a++) {
                for (int b = 0; b < q; b++) {
                    if (dOmega[k][a][b] != 0) {
                        nonZero[k][2 * e] = a;
                        nonZero[k][2 * e + 1] = b;
                        nonZeroValue[k][e++] = dOmega[k][a][b];
                    }
                }
            }
        }
        return GroupReduce.reduce(n, observations, () -> new SecondOrderSums(pt),
                () -> new HessianScratch(nT, nS), (sums, h, i) -> {
            Scratch sc = h.sc;
            int base = i * stride;
            int r = rank[i];
            int m = size[i];
            int outcome = sc.factorC(base, r, sigma2, omega);
            if (handOver(outcome, i)) {
                h.block.add(sums, GroupBlock.of(groups.get(i), pt.c().sigma(), omega), i, pt);
                return;
            }
            if (outcome == NOT_POSITIVE_DEFINITE) {
                sums.notPositiveDefinite(i);
                return;
            }
            double[] cinv = sc.cinv;
            java.util.Arrays.fill(cinv, 0, r * r, 0);
            for (int k = 0; k < r; k++) {
                cinv[k * r + k] = 1;
            }
            Cholesky.solve(sc.c, r, cinv, r);
            double cond = conditioning(base, r, groups.get(i).z(), m, sigma2, omegaFlat, cinv, sc.mq, sc.ro, sc.nz);
            sums.condition(cond, i);
            double[] w = sc.s;
            residualQ(base, r, beta, w);
            Cholesky.solve(sc.c, r, w, 1);
            double e = projectedRss(base, beta);
            double[] ca = sc.ca;
            for (int k = 0; k < r; k++) {
                System.arraycopy(stats, base + oA + k * p, ca, k * p, p);
            }
            Cholesky.solve(sc.c, r, ca, p);
            // Π-X'y − Π-X'Xβ
            double[] xr = h.xr;
            for (int a = 0; a < p; a++) {
                double v = stats[base + oXY + a];
                for (int b = 0; b < p; b++) {
                    v -= stats[base + oXX + a * p + b] * beta[b];
                }
                xr[a] = v;
            }
            int rr = r * r;
            for (int k = 0; k < nT; k++) {
                double[] dk = h.d[k];
                double[] cd = h.cd[k];
                double[] dw = h.dw[k];
                double[] dca = h.dca[k];
                if (k < nS) {
                    // D_k = γ_kI: C⁻¹D_k = γ_kC⁻¹, D_kw = γ_kw, D_kC⁻¹a = γ_kC⁻¹a
                    double gk = gamma[k];
                    for (int j = 0; j < rr; j++) {
                        cd[j] = gk * cinv[j];
                    }
                    for (int j = 0; j < r; j++) {
                        dw[j] = gk * w[j];
                    }
                    for (int j = 0; cTerms && j < r * p; j++) {
                        dca[j] = gk * ca[j];
                    }
                } else {
                    // D_k = R E_k R' = Σ over the non-zero entries e_ab of E_k of e_ab R[·,a] R[·,b]'
                    java.util.Arrays.fill(dk, 0, rr, 0);
                    int[] nz = nonZero[k - nS];
                    double[] nzv = nonZeroValue[k - nS];
                    for (int z2 = 0; z2 < nzv.length; z2++) {
                        int a = nz[2 * z2];
                        int b = nz[2 * z2 + 1];
                        double v = nzv[z2];
                        for (int j = 0; j < r; j++) {
                            double rja = v * stats[base + j * q + a];
                            for (int l = 0; l < r; l++) {
                                dk[j * r + l] += rja * stats[base + l * q + b];
                            }
                        }
                    }
                    // C⁻¹D_k, D_kw, D_kC⁻¹a
                    for (int j = 0; j < r; j++) {
                        for (int l = 0; l < r; l++) {
                            double s = 0;
                            for (int o = 0; o < r; o++) {
                                s += cinv[j * r + o] * dk[o * r + l];
                            }
                            cd[j * r + l] = s;
                        }
                        double s = 0;
                        for (int o = 0; o < r; o++) {
                            s += dk[j * r + o] * w[o];
                        }
                        dw[j] = s;
                        for (int a = 0; cTerms && a < p; a++) {
                            double t = 0;
                            for (int o = 0; o < r; o++) {
                                t += dk[j * r + o] * ca[o * p + a];
                            }
                            dca[j * p + a] = t;
                        }
                    }
                }
                // b_k += σ⁻⁴α_k(Π-X'y − Π-X'Xβ) + (C⁻¹a)'D_kw
                for (int a = 0; a < p; a++) {
                    double s = pi2 * alpha[k] * xr[a];
                    for (int j = 0; j < r; j++) {
                        s += ca[j * p + a] * dw[j];
                    }
                    sums.b[k * p + a] += s;
                }
                if (cTerms) {
                    // C_k += σ⁻⁴α_k Π-X'X + (C⁻¹a)'(D_kC⁻¹a)
                    for (int a = 0; a < p; a++) {
                        for (int b = 0; b < p; b++) {
                            double s = pi2 * alpha[k] * stats[base + oXX + a * p + b];
                            for (int j = 0; j < r; j++) {
                                s += ca[j * p + a] * dca[j * p + b];
                            }
                            sums.c[(k * p + a) * p + b] += s;
                        }
                    }
                }
            }
            for (int k = 0; k < nT; k++) {
                for (int l = k; l < nT; l++) {
                    double[] cdk = h.cd[k];
                    double[] cdl = h.cd[l];
                    double t1 = (m - r) * pi2 * alpha[k] * alpha[l];
                    for (int j = 0; j < r; j++) {
                        for (int o = 0; o < r; o++) {
                            t1 += cdk[j * r + o] * cdl[o * r + j];
                        }
                    }
                    double t2 = pi3 * alpha[k] * alpha[l] * e;
                    double[] dwk = h.dw[k];
                    double[] dwl = h.dw[l];
                    for (int j = 0; j < r; j++) {
                        double s = 0;
                        for (int o = 0; o < r; o++) {
                            s += cinv[j * r + o] * dwl[o];
                        }
                        t2 += dwk[j] * s;
                    }
                    sums.t1[k * nT + l] += t1;
                    sums.t2[k * nT + l] += t2;
                    if (reml) {
                        // tr(A⁻¹ X'P dV_k P dV_l P X) = tr(A⁻¹[σ⁻⁶α_kα_l Π-X'X + (D_kC⁻¹a)'C⁻¹(D_lC⁻¹a)])
                        double[] fk = h.dca[k];
                        double[] fl = h.dca[l];
                        double jv = 0;
                        for (int a = 0; a < p; a++) {
                            for (int b = 0; b < p; b++) {
                                double s = pi3 * alpha[k] * alpha[l] * stats[base + oXX + b * p + a];
                                for (int j = 0; j < r; j++) {
                                    double cf = 0;
                                    for (int o = 0; o < r; o++) {
                                        cf += cinv[j * r + o] * fl[o * p + a];
                                    }
                                    s += fk[j * p + b] * cf;
                                }
                                jv += ai[a * p + b] * s;
                            }
                        }
                        sums.j[k * nT + l] += jv;
                    }
                }
            }
        }, SecondOrderSums::merge);
    }

    /**
     * min(1, min_j 1/((V_i⁻¹)_jj (V_i)_jj)), the smallest 1 − R² of an observation on the rest of its group
     * (→ 0 as V_i degenerates). With g_j = G_iz_j the j-th row of Q_i, (V_i⁻¹)_jj = σ⁻²(1 − g_j'g_j) + g_j'C_i⁻¹g_j
     * = σ⁻² + z_j'Bz_j with B = G_i'(C_i⁻¹ − σ⁻²I)G_i, and (V_i)_jj = σ² + z_j'Ωz_j: two q×q quadratic forms per row.
     *
     * @param b scratch of length q² for B
     * @param t scratch of length rq for (C⁻¹ − σ⁻²I)G
     * @param nz scratch of length q for the non-zero positions of a row of Z
     */
    private double conditioning(int base, int r, double[] z, int m, double sigma2, double[] omega, double[] cinv,
                                double[] b, double[] t, int[] nz) {
        double inv = 1 / sigma2;
        // T = (C⁻¹ − σ⁻²I)G (r×q), then B = G'T (upper triangle): O(r²q + rq²), never O(q²r²)
        java.util.Arrays.fill(t, 0, r * q, 0);
        for (int k = 0; k < r; k++) {
            for (int l = 0; l < r; l++) {
                double f = cinv[k * r + l] - (k == l ? inv : 0);
                if (f == 0) {
                    continue;
                }
                int gl = base + oG + l * q;
                for (int c = 0; c < q; c++) {
                    t[k * q + c] += f * stats[gl + c];
                }
            }
        }
        java.util.Arrays.fill(b, 0, q * q, 0);
        for (int k = 0; k < r; k++) {
            int gk = base + oG + k * q;
            for (int a = 0; a < q; a++) {
                double gka = stats[gk + a];
                if (gka == 0) {
                    continue;
                }
                for (int c = a; c < q; c++) {
                    b[a * q + c] += gka * t[k * q + c];
                }
            }
        }
        // the quadratic forms over the non-zero entries of z_j only (a row of crossed terms' one group has Σ_k q_k)
        // (for a small q every column, found once)
        double largest = 0;
        boolean sparse = q > DENSE_OMEGA;
        int count = q;
        for (int a = 0; a < q && !sparse; a++) {
            nz[a] = a;
        }
        for (int j = 0; j < m; j++) {
            int row = j * q;
            if (sparse) {
                count = 0;
                for (int a = 0; a < q; a++) {
                    if (z[row + a] != 0) {
                        nz[count++] = a;
                    }
                }
            }
            double v = sigma2;
            double pjj = inv;
            for (int x = 0; x < count; x++) {
                int a = nz[x];
                double za = z[row + a];
                double sv = 0.5 * omega[a * q + a] * za;
                double sp = 0.5 * b[a * q + a] * za;
                for (int y = x + 1; y < count; y++) {
                    int c = nz[y];
                    sv += omega[a * q + c] * z[row + c];
                    sp += b[a * q + c] * z[row + c];
                }
                v += 2 * za * sv;
                pjj += 2 * za * sp;
            }
            double pv = pjj * v;
            if (!(pv > 0)) {
                return 0; // V_i numerically singular
            }
            largest = Math.max(largest, pv);
        }
        return largest > 1 ? 1 / largest : 1;
    }

    /** Per-chunk scratch: C_i's factor, per-parameter matrices and the block path's scratch for handed-over groups. */
    private final class HessianScratch {
        final Scratch sc = new Scratch();
        final BlockSecondOrder block;
        final double[] xr = new double[p];
        final double[][] d;
        final double[][] cd;
        final double[][] dw;
        final double[][] dca;

        HessianScratch(int nT, int sigmaParameters) {
            this.block = new BlockSecondOrder(sigmaParameters);
            this.d = new double[nT][q * q];
            this.cd = new double[nT][q * q];
            this.dw = new double[nT][q];
            this.dca = new double[nT][q * p];
        }
    }
}
