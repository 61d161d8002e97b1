package org.lmm4j.likelihood;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The fast path of the likelihood for a scalar residual covariance Σ = σ²I: every group is reduced
 * once to sufficient statistics, after which each evaluation of the deviance, its profile over β and
 * its gradient costs O(q³ + q²p + qp²) per group instead of O(m_i³).
 *
 * <p>Reduction (once per model): an orthonormal basis Q_i (m_i × r_i, r_i = rank Z_i ≤ q) of the
 * columns of Z_i, so that Z_i = Q_iR_i with R_i = Q_i'Z_i (r_i × q), and Π_i = I − Q_iQ_i'. Stored per
 * group: R_i, a_i = Q_i'X_i, c_i = Q_i'y_i, and the projected moments Π-X'X = (Π_iX_i)'(Π_iX_i),
 * Π-X'y and Π-y'y, and m_i.
 *
 * <p>Evaluation at (σ², Ω): with K_i = R_iΩR_i' and C_i = σ²I + K_i (r_i × r_i),
 * <pre>
 *   V_i = σ²I + Z_iΩZ_i' = σ²Π_i + Q_iC_iQ_i',     V_i⁻¹ = σ⁻²Π_i + Q_iC_i⁻¹Q_i',
 *   log det V_i = (m_i − r_i) log σ² + log det C_i,
 *   X_i'V_i⁻¹X_i = σ⁻² Π-X'X + a_i'C_i⁻¹a_i   (likewise X'V⁻¹y and y'V⁻¹y),
 * </pre>
 * V_i is positive definite exactly when C_i is (given σ² > 0). This is the Woodbury identity of the
 * paper's V_i = Z_iΩZ_i' + σ²I written without Ω⁻¹, so it holds for singular and for indefinite Ω.
 * The matrix gradients of {@link ProfiledDeviance} follow from M_i = V_i⁻¹ − u_iu_i' (u_i = V_i⁻¹r_i):
 * G_Ω = Σ_i R_i'(Q_i'M_iQ_i)R_i with Q_i'M_iQ_i = C_i⁻¹ − w_iw_i', w_i = C_i⁻¹(c_i − a_iβ), and
 * tr G_Σ = Σ_i [σ⁻²(m_i − r_i) + tr C_i⁻¹ − σ⁻⁴ r_i'Π_ir_i − w_i'w_i] (REML subtracts the β-terms).
 * A group whose C_i is near-singular (V_i at the edge of the admissible region, where rounding decides)
 * goes through the reference {@link GroupBlock} path in the deviance, the profile and the gradient.
 * BLUPs are b̂_i = ΩR_i'w_i, and the Hessian works in the algebra of operators αΠ_i + Q_iDQ_i' (see
 * {@link #hessian}). The generic path through {@link GroupBlock} stays the reference: both agree to rounding
 * (SufficientStatisticsProperties).
 */
final class SufficientStatistics {

    /** A column of Z_i whose part orthogonal to the previous ones is below this share of its norm is dependent. */
    private static final double RANK_TOLERANCE = 1e-10;

    /**
     * C_i with a pivot L_jj² below this share of its largest diagonal entry is near-singular: V_i then lies at
     * the edge of the admissible region, rounding decides everything, and the group goes through the
     * reference {@link GroupBlock} path instead.
     */
    private static final double NEAR_SINGULAR = 1e-8;

    /** {@link Scratch#factorC} outcomes. */
    private static final int WELL_CONDITIONED = 0;
    private static final int NEAR_SINGULAR_C = 1;
    private static final int NOT_POSITIVE_DEFINITE = 2;

    private final List<Group> groups;

    private final int n;
    private final int p;
    private final int q;
    private final int observations;
    private final int oA;
    private final int oC;
    private final int oXX;
    private final int oXY;
    private final int oYY;
    private final int oG;
    private final int stride;
    private final int[] size;
    private final int[] rank;
    private final double[] stats;

    private SufficientStatistics(ModelData data) {
        this.groups = data.groups();
        this.n = groups.size();
        this.p = data.p();
        this.q = data.q();
        this.observations = data.observations();
        this.oA = q * q;
        this.oC = oA + q * p;
        this.oXX = oC + q;
        this.oXY = oXX + p * p;
        this.oYY = oXY + p;
        this.oG = oYY + 1;
        this.stride = oG + q * q;
        this.size = new int[n];
        this.rank = new int[n];
        this.stats = new double[n * stride];
        IntStream range = IntStream.range(0, n);
        (observations < GroupReduce.PARALLEL_THRESHOLD ? range : range.parallel())
                .forEach(i -> reduceGroup(i, groups.get(i)));
    }

    /** The reduction of the model's data (one pass over the rows). */
    static SufficientStatistics of(ModelData data) {
        return new SufficientStatistics(data);
    }

    /** Q_i by Gram–Schmidt with re-orthogonalisation, then R_i, a_i, c_i and the Π-projected moments. */
    private void reduceGroup(int i, Group g) {
        int m = g.size();
        double[] x = g.x();
        double[] z = g.z();
        double[] y = g.y();
        size[i] = m;
        double[] qm = new double[m * Math.max(q, 1)]; // Q column-major: column k at k*m
        int r = 0;
        double[] v = new double[m];
        for (int col = 0; col < q; col++) {
            double norm0 = 0;
            for (int j = 0; j < m; j++) {
                v[j] = z[j * q + col];
                norm0 += v[j] * v[j];
            }
            norm0 = Math.sqrt(norm0);
            if (norm0 == 0) {
                continue;
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < r; k++) {
                    double d = 0;
                    for (int j = 0; j < m; j++) {
                        d += qm[k * m + j] * v[j];
                    }
                    for (int j = 0; j < m; j++) {
                        v[j] -= d * qm[k * m + j];
                    }
                }
            }
            double nv = 0;
            for (int j = 0; j < m; j++) {
                nv += v[j] * v[j];
            }
            nv = Math.sqrt(nv);
            if (nv > RANK_TOLERANCE * norm0) {
                for (int j = 0; j < m; j++) {
                    qm[r * m + j] = v[j] / nv;
                }
                r++;
            }
        }
        rank[i] = r;
        int base = i * stride;
        // R = Q'Z (r×q, rows of length q), a = Q'X (r×p), c = Q'y (r)
        for (int k = 0; k < r; k++) {
            int qk = k * m;
            for (int col = 0; col < q; col++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += qm[qk + j] * z[j * q + col];
                }
                stats[base + k * q + col] = s;
            }
            for (int col = 0; col < p; col++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += qm[qk + j] * x[j * p + col];
                }
                stats[base + oA + k * p + col] = s;
            }
            double s = 0;
            for (int j = 0; j < m; j++) {
                s += qm[qk + j] * y[j];
            }
            stats[base + oC + k] = s;
        }
        // G = (RR')⁻¹R (r×q), so that row j of Q_i is G z_j (for the conditioning of V_i)
        if (r > 0) {
            double[] rr = new double[r * r];
            for (int k = 0; k < r; k++) {
                for (int l = 0; l < r; l++) {
                    double s = 0;
                    for (int col = 0; col < q; col++) {
                        s += stats[base + k * q + col] * stats[base + l * q + col];
                    }
                    rr[k * r + l] = s;
                }
            }
            double[] gm = new double[r * q];
            System.arraycopy(stats, base, gm, 0, r * q);
            if (Cholesky.factor(rr, r)) {
                Cholesky.solve(rr, r, gm, q);
                System.arraycopy(gm, 0, stats, base + oG, r * q);
            }
        }
        // Π X and Π y, then their moments
        double[] px = new double[p];
        for (int j = 0; j < m; j++) {
            for (int col = 0; col < p; col++) {
                double s = x[j * p + col];
                for (int k = 0; k < r; k++) {
                    s -= qm[k * m + j] * stats[base + oA + k * p + col];
                }
                px[col] = s;
            }
            double py = y[j];
            for (int k = 0; k < r; k++) {
                py -= qm[k * m + j] * stats[base + oC + k];
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    stats[base + oXX + a * p + b] += px[a] * px[b];
                }
                stats[base + oXY + a] += px[a] * py;
            }
            stats[base + oYY] += py * py;
        }
    }

    /** Per-chunk scratch space: nothing is allocated per group. */
    private final class Scratch {
        final double[] ro = new double[q * q];
        final double[] c = new double[q * q];
        final double[] w = new double[q * (p + 1)];
        final double[] cinv = new double[q * q];
        final double[] s = new double[q];
        final double[] ca = new double[q * p];
        final double[] mq = new double[q * q];

        /** C_i = σ²I + R_iΩR_i', factored in place: WELL_CONDITIONED, NEAR_SINGULAR_C or NOT_POSITIVE_DEFINITE. */
        int factorC(int base, int r, double sigma2, double[][] omega) {
            for (int k = 0; k < r; k++) {
                for (int b = 0; b < q; b++) {
                    double sum = 0;
                    for (int a = 0; a < q; a++) {
                        sum += stats[base + k * q + a] * omega[a][b];
                    }
                    ro[k * q + b] = sum;
                }
            }
            for (int k = 0; k < r; k++) {
                for (int l = 0; l <= k; l++) {
                    double sum = 0;
                    for (int b = 0; b < q; b++) {
                        sum += ro[k * q + b] * stats[base + l * q + b];
                    }
                    c[k * r + l] = sum;
                    c[l * r + k] = sum;
                }
                c[k * r + k] += sigma2;
            }
            double maxDiagonal = 0;
            for (int k = 0; k < r; k++) {
                maxDiagonal = Math.max(maxDiagonal, c[k * r + k]);
            }
            if (!Cholesky.factor(c, r)) {
                return NOT_POSITIVE_DEFINITE;
            }
            for (int k = 0; k < r; k++) {
                double l = c[k * r + k];
                if (l * l < NEAR_SINGULAR * maxDiagonal) {
                    return NEAR_SINGULAR_C;
                }
            }
            return WELL_CONDITIONED;
        }

        /** log det V_i from the factored C_i. */
        double logDet(int i, int r, double logSigma2) {
            return (size[i] - r) * logSigma2 + Cholesky.logDet(c, r);
        }
    }

    /** Σ X_i'V_i⁻¹X_i, Σ X_i'V_i⁻¹y_i, Σ y_i'V_i⁻¹y_i and Σ log det V_i at (σ², Ω). */
    ProfiledDeviance.Normal normal(CovarianceMatrices cov) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double logSigma2 = Math.log(sigma2);
        int cols = p + 1;
        return reduce(() -> new ProfiledDeviance.Normal(p), (acc, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            if (sc.factorC(base, r, sigma2, omega) != WELL_CONDITIONED) {
                acc.add(GroupBlock.of(groups.get(i), cov.sigma(), omega));
                return;
            }
            double[] w = sc.w;
            for (int k = 0; k < r; k++) {
                System.arraycopy(stats, base + oA + k * p, w, k * cols, p);
                w[k * cols + p] = stats[base + oC + k];
            }
            Cholesky.forward(sc.c, r, w, cols);
            for (int a = 0; a < p; a++) {
                double[] xa = acc.xtx[a];
                for (int b = 0; b < p; b++) {
                    double s = inv * stats[base + oXX + a * p + b];
                    for (int k = 0; k < r; k++) {
                        s += w[k * cols + a] * w[k * cols + b];
                    }
                    xa[b] += s;
                }
                double s = inv * stats[base + oXY + a];
                for (int k = 0; k < r; k++) {
                    s += w[k * cols + a] * w[k * cols + p];
                }
                acc.xty[a] += s;
            }
            double s = inv * stats[base + oYY];
            for (int k = 0; k < r; k++) {
                s += w[k * cols + p] * w[k * cols + p];
            }
            acc.yty += s;
            acc.logDet += sc.logDet(i, r, logSigma2);
        }, ProfiledDeviance.Normal::merge);
    }

    /** The full ML deviance Δ(β, θ) = Σ_i [log det V_i + r_i'V_i⁻¹r_i]; +∞ when some V_i is not positive definite. */
    double deviance(CovarianceMatrices cov, double[] beta) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double logSigma2 = Math.log(sigma2);
        double[] sum = reduce(() -> new double[1], (acc, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            if (sc.factorC(base, r, sigma2, omega) != WELL_CONDITIONED) {
                acc[0] += ProfiledDeviance.groupDeviance(GroupBlock.of(groups.get(i), cov.sigma(), omega), beta);
                return;
            }
            residualQ(base, r, beta, sc.s);
            Cholesky.forward(sc.c, r, sc.s, 1);
            double d = sc.logDet(i, r, logSigma2) + inv * projectedRss(base, beta);
            for (int k = 0; k < r; k++) {
                d += sc.s[k] * sc.s[k];
            }
            acc[0] += d;
        }, (a, b) -> new double[] {a[0] + b[0]});
        return sum[0];
    }

    /**
     * G_Σ and G_Ω at (σ², Ω, β) into a matrix gradient with T occasions. For Σ = σ²I only tr G_Σ enters the
     * gradient and the EM scatter (⟨G_Σ, cI⟩ = c tr G_Σ), so G_Σ is returned as (tr G_Σ / T)·I.
     *
     * @param covBetaForReml A⁻¹ = (Σ X_i'V_i⁻¹X_i)⁻¹ for REML's extra term, null for ML
     */
    ProfiledDeviance.MatrixGradient gradient(CovarianceMatrices cov, double[] beta, double[][] covBetaForReml, int t) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double inv2 = inv * inv;
        double[] aInv = covBetaForReml == null ? null : flatten(covBetaForReml);
        ProfiledDeviance.MatrixGradient generic = reduce(() -> new ProfiledDeviance.MatrixGradient(t, q), (mg, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            if (sc.factorC(base, r, sigma2, omega) != WELL_CONDITIONED) {
                mg.add(GroupBlock.of(groups.get(i), cov.sigma(), omega), beta, covBetaForReml);
                return;
            }
            double[] w = sc.s;
            residualQ(base, r, beta, w);
            Cholesky.solve(sc.c, r, w, 1);
            double[] cinv = sc.cinv;
            java.util.Arrays.fill(cinv, 0, r * r, 0);
            for (int k = 0; k < r; k++) {
                cinv[k * r + k] = 1;
            }
            Cholesky.solve(sc.c, r, cinv, r);
            double tr = inv * (size[i] - r) - inv2 * projectedRss(base, beta);
            double[] mq = sc.mq;
            for (int k = 0; k < r; k++) {
                tr += cinv[k * r + k] - w[k] * w[k];
                for (int l = 0; l < r; l++) {
                    mq[k * r + l] = cinv[k * r + l] - w[k] * w[l];
                }
            }
            if (aInv != null) {
                double[] ca = sc.ca;
                for (int k = 0; k < r; k++) {
                    System.arraycopy(stats, base + oA + k * p, ca, k * p, p);
                }
                Cholesky.solve(sc.c, r, ca, p);
                // tr(A⁻¹ X'V⁻²X) with X'V⁻²X = σ⁻⁴ Π-X'X + (C⁻¹a)'(C⁻¹a)
                for (int a = 0; a < p; a++) {
                    for (int b = 0; b < p; b++) {
                        double s = inv2 * stats[base + oXX + b * p + a];
                        for (int k = 0; k < r; k++) {
                            s += ca[k * p + b] * ca[k * p + a];
                        }
                        tr -= aInv[a * p + b] * s;
                    }
                }
                // Q'M Q −= (C⁻¹a) A⁻¹ (C⁻¹a)'
                for (int k = 0; k < r; k++) {
                    for (int l = 0; l < r; l++) {
                        double s = 0;
                        for (int a = 0; a < p; a++) {
                            double cka = ca[k * p + a];
                            for (int b = 0; b < p; b++) {
                                s += cka * aInv[a * p + b] * ca[l * p + b];
                            }
                        }
                        mq[k * r + l] -= s;
                    }
                }
            }
            mg.sigma[0][0] += tr; // only the trace of G_Σ is kept (see the method comment)
            // G_Ω += R' (Q'MQ) R
            for (int k = 0; k < r; k++) {
                for (int b = 0; b < q; b++) {
                    double s = 0;
                    for (int l = 0; l < r; l++) {
                        s += mq[k * r + l] * stats[base + l * q + b];
                    }
                    sc.ro[k * q + b] = s;
                }
            }
            for (int a = 0; a < q; a++) {
                for (int b = 0; b < q; b++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) {
                        s += stats[base + k * q + a] * sc.ro[k * q + b];
                    }
                    mg.omega[a][b] += s;
                }
            }
        }, ProfiledDeviance.MatrixGradient::merge);
        double trace = 0;
        for (int k = 0; k < t; k++) {
            trace += generic.sigma[k][k];
        }
        ProfiledDeviance.MatrixGradient out = new ProfiledDeviance.MatrixGradient(t, q);
        for (int k = 0; k < t; k++) {
            out.sigma[k][k] = trace / t;
        }
        for (int a = 0; a < q; a++) {
            System.arraycopy(generic.omega[a], 0, out.omega[a], 0, q);
        }
        return out;
    }

    /**
     * The Hessian of the criterion without the second-derivative terms of the structures (which the caller
     * adds as ⟨G_Σ, ∂²Σ⟩ + ⟨G_Ω, ∂²Ω⟩), in the algebra of operators αΠ_i + Q_iDQ_i' (closed under products,
     * tr = α(m_i − r_i) + tr D): with P_i = V_i⁻¹ = (σ⁻², C_i⁻¹), ∂V_i/∂θ_k = (γ_k, γ_kI) for a Σ parameter
     * (∂Σ/∂θ_k = γ_kI) and (0, R_iE_kR_i') for an Ω parameter (E_k = ∂Ω/∂θ_k),
     * <pre>
     *   tr(P dV_k P dV_l) = (m_i − r_i)σ⁻⁴α_kα_l + tr(C⁻¹D_kC⁻¹D_l)
     *   u'dV_k P dV_l u   = σ⁻⁶α_kα_l r'Πr + w'D_kC⁻¹D_lw
     *   X'P dV_k u        = σ⁻⁴α_k(Π-X'y − Π-X'Xβ) + (C⁻¹a)'D_kw
     *   X'P dV_k P dV_l P X = σ⁻⁶α_kα_l Π-X'X + (D_kC⁻¹a)'C⁻¹(D_lC⁻¹a),   X'P dV_k P X = σ⁻⁴α_k Π-X'X + (C⁻¹a)'D_k(C⁻¹a)
     * </pre>
     * assembled as ML: H_kl = Σ_i[−tr(P dV_k P dV_l) + 2u'dV_kP dV_lu] − 2b_k'A⁻¹b_l, b_k = Σ_i X_i'P_i dV_k u_i;
     * REML adds 2Σ_i tr(A⁻¹X'P dV_k P dV_l P X) − tr(A⁻¹C_kA⁻¹C_l), C_k = Σ_i X_i'P_i dV_k P_iX_i.
     *
     * @param gamma  γ_k for the Σ parameters (∂Σ/∂θ_k = γ_kI)
     * @param dOmega E_k for the Ω parameters
     * @param aInv   A⁻¹ = (Σ X_i'V_i⁻¹X_i)⁻¹
     * @param reml   whether to add REML's terms
     */
    CriterionHessian hessian(double sigma2, double[][] omega, double[] gamma, double[][][] dOmega,
                             double[] beta, double[][] aInv, boolean reml) {
        int nS = gamma.length;
        int nT = nS + dOmega.length;
        double pi = 1 / sigma2;
        double pi2 = pi * pi;
        double pi3 = pi2 * pi;
        double[] ai = flatten(aInv);
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
        HessianSums acc = reduce(() -> new HessianSums(nT, p, reml), (h, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            int m = size[i];
            if (sc.factorC(base, r, sigma2, omega) == NOT_POSITIVE_DEFINITE) {
                h.worst = 0;
                h.worstIndex = i;
                h.dead = true;
                return;
            }
            double[] cinv = sc.cinv;
            java.util.Arrays.fill(cinv, 0, r * r, 0);
            for (int k = 0; k < r; k++) {
                cinv[k * r + k] = 1;
            }
            Cholesky.solve(sc.c, r, cinv, r);
            double cond = conditioning(base, r, groups.get(i).z(), m, sigma2, omegaFlat, cinv, sc.mq);
            if (!h.dead && (h.worstIndex < 0 || cond < h.worst)) {
                h.worst = cond;
                h.worstIndex = i;
            }
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
                    for (int j = 0; j < r * p; j++) {
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
                        for (int a = 0; a < p; a++) {
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
                    h.b[k * p + a] += s;
                }
                if (reml) {
                    // C_k += σ⁻⁴α_k Π-X'X + (C⁻¹a)'(D_kC⁻¹a)
                    for (int a = 0; a < p; a++) {
                        for (int b = 0; b < p; b++) {
                            double s = pi2 * alpha[k] * stats[base + oXX + a * p + b];
                            for (int j = 0; j < r; j++) {
                                s += ca[j * p + a] * dca[j * p + b];
                            }
                            h.c[(k * p + a) * p + b] += s;
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
                    h.t[k * nT + l] += -t1 + 2 * t2;
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
                        h.t[k * nT + l] += 2 * jv;
                    }
                }
            }
        }, HessianSums::merge);
        double[][] out = ProfiledHessianTerms.assemble(acc.t, acc.b, acc.c, ai, nT, p, reml);
        String worstId = acc.worstIndex < 0 ? null : groups.get(acc.worstIndex).id();
        return new CriterionHessian(out, acc.worstIndex < 0 ? 1 : acc.worst, worstId);
    }

    /**
     * min(1, min_j 1/((V_i⁻¹)_jj (V_i)_jj)), the smallest 1 − R² of an observation on the rest of its group
     * (→ 0 as V_i degenerates). With g_j = G_iz_j the j-th row of Q_i, (V_i⁻¹)_jj = σ⁻²(1 − g_j'g_j) + g_j'C_i⁻¹g_j
     * = σ⁻² + z_j'Bz_j with B = G_i'(C_i⁻¹ − σ⁻²I)G_i, and (V_i)_jj = σ² + z_j'Ωz_j: two q×q quadratic forms per row.
     *
     * @param b scratch of length q² for B
     */
    private double conditioning(int base, int r, double[] z, int m, double sigma2, double[] omega, double[] cinv,
                                double[] b) {
        double inv = 1 / sigma2;
        for (int a = 0; a < q; a++) {
            for (int c = a; c < q; c++) {
                double s = 0;
                for (int k = 0; k < r; k++) {
                    double gka = stats[base + oG + k * q + a];
                    for (int l = 0; l < r; l++) {
                        s += gka * (cinv[k * r + l] - (k == l ? inv : 0)) * stats[base + oG + l * q + c];
                    }
                }
                b[a * q + c] = s;
            }
        }
        double largest = 0;
        for (int j = 0; j < m; j++) {
            int row = j * q;
            double v = sigma2;
            double pjj = inv;
            for (int a = 0; a < q; a++) {
                double za = z[row + a];
                double sv = 0.5 * omega[a * q + a] * za;
                double sp = 0.5 * b[a * q + a] * za;
                for (int c = a + 1; c < q; c++) {
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

    /** Per-chunk sums for the Hessian, with per-parameter scratch matrices. */
    private final class HessianSums {
        final int nT;
        final double[] t;
        final double[] b;
        final double[] c;
        final double[] xr = new double[p];
        final double[][] d;
        final double[][] cd;
        final double[][] dw;
        final double[][] dca;
        double worst = 1;
        int worstIndex = -1;
        boolean dead;

        HessianSums(int nT, int p, boolean reml) {
            this.nT = nT;
            this.t = new double[nT * nT];
            this.b = new double[nT * p];
            this.c = reml ? new double[nT * p * p] : null;
            this.d = new double[nT][q * q];
            this.cd = new double[nT][q * q];
            this.dw = new double[nT][q];
            this.dca = new double[nT][q * p];
        }

        HessianSums merge(HessianSums o) {
            for (int k = 0; k < t.length; k++) {
                t[k] += o.t[k];
            }
            for (int k = 0; k < b.length; k++) {
                b[k] += o.b[k];
            }
            if (c != null) {
                for (int k = 0; k < c.length; k++) {
                    c[k] += o.c[k];
                }
            }
            if (!dead && (o.dead || (o.worstIndex >= 0 && (worstIndex < 0 || o.worst < worst)))) {
                worst = o.worst;
                worstIndex = o.worstIndex;
                dead = o.dead;
            }
            return this;
        }
    }

    /** BLUPs b̂_i = ΩZ_i'V_i⁻¹r_i = ΩR_i'C_i⁻¹(c_i − a_iβ), one row of length q per group (null rows never occur). */
    double[][] blups(double sigma2, double[][] omega, double[] beta) {
        double[][] out = new double[n][];
        reduce(() -> out, (o, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            double[] bi = new double[q];
            o[i] = bi;
            if (sc.factorC(base, r, sigma2, omega) == NOT_POSITIVE_DEFINITE) {
                java.util.Arrays.fill(bi, Double.NaN);
                return;
            }
            double[] w = sc.s;
            residualQ(base, r, beta, w);
            Cholesky.solve(sc.c, r, w, 1);
            for (int a = 0; a < q; a++) {
                double rw = 0;
                for (int k = 0; k < r; k++) {
                    rw += stats[base + k * q + a] * w[k];
                }
                sc.ro[a] = rw;
            }
            for (int a = 0; a < q; a++) {
                double v = 0;
                for (int b = 0; b < q; b++) {
                    v += omega[a][b] * sc.ro[b];
                }
                bi[a] = v;
            }
        }, (a, b) -> a);
        return out;
    }

    /** s = c_i − a_iβ = Q_i'r_i. */
    private void residualQ(int base, int r, double[] beta, double[] s) {
        for (int k = 0; k < r; k++) {
            double v = stats[base + oC + k];
            for (int a = 0; a < p; a++) {
                v -= stats[base + oA + k * p + a] * beta[a];
            }
            s[k] = v;
        }
    }

    /** r_i'Π_ir_i = Π-y'y − 2β'Π-X'y + β'Π-X'Xβ. */
    private double projectedRss(int base, double[] beta) {
        double s = stats[base + oYY];
        for (int a = 0; a < p; a++) {
            double xb = 0;
            for (int b = 0; b < p; b++) {
                xb += stats[base + oXX + a * p + b] * beta[b];
            }
            s += beta[a] * (xb - 2 * stats[base + oXY + a]);
        }
        return s;
    }

    private double[] flatten(double[][] a) {
        double[] out = new double[p * p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(a[i], 0, out, i * p, p);
        }
        return out;
    }

    /** Adds group i to an accumulator using the chunk's scratch space. */
    @FunctionalInterface
    private interface GroupStep<A> {
        void add(A acc, Scratch scratch, int group);
    }

    /** Map-reduce over the groups in chunks (in parallel above {@link GroupReduce#PARALLEL_THRESHOLD} rows), merged in chunk order. */
    private <A> A reduce(Supplier<A> make, GroupStep<A> step, BinaryOperator<A> merge) {
        if (observations < GroupReduce.PARALLEL_THRESHOLD || n < 64) {
            A acc = make.get();
            Scratch sc = new Scratch();
            for (int i = 0; i < n; i++) {
                step.add(acc, sc, i);
            }
            return acc;
        }
        int chunks = Math.min(n, 4 * Runtime.getRuntime().availableProcessors());
        return IntStream.range(0, chunks).parallel().mapToObj(c -> {
            A acc = make.get();
            Scratch sc = new Scratch();
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            for (int i = from; i < to; i++) {
                step.add(acc, sc, i);
            }
            return acc;
        }).reduce(merge).orElseGet(make);
    }
}
