package org.lmm4j.likelihood;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.lmm4j.linalg.Cholesky;

/**
 * The fast path of the likelihood for a scalar residual covariance Σ = σ²I: every group is reduced
 * once to sufficient statistics, after which each evaluation of the deviance, its profile over β and
 * its gradient costs O(q³ + q²p + qp²) per group instead of O(m_i³).
 *
 <p>Reduction (once per model, {@link ReducedGroups}): Z_i = Q_iR_i with Q_i orthonormal, Π_i = I − Q_iQ_i',
 * and per group R_i, a_i = Q_i'X_i, c_i = Q_i'y_i and the Π-projected moments of X and y.
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
 A group whose C_i is near-singular or not positive definite (V_i at the edge of the admissible region,
 * where rounding decides) goes through the reference {@link BlockPath} in every quantity, by the one rule
 * {@link ReducedGroups#handOver}. BLUPs are b̂_i = ΩR_i'w_i; the second-order sums are
 * {@link SufficientStatisticsHessian}'s. The block path stays the reference: both agree to rounding
 * (SufficientStatisticsProperties).
 */
final class SufficientStatistics extends ReducedGroups implements CriterionPath {

    private final SufficientStatisticsHessian secondOrder;

    /** The sufficient-statistics path on a reduction of the groups. */
    SufficientStatistics(ReducedGroups reduction) {
        super(reduction);
        this.secondOrder = new SufficientStatisticsHessian(reduction);
    }

    /** Σ X_i'V_i⁻¹X_i, Σ X_i'V_i⁻¹y_i, Σ y_i'V_i⁻¹y_i and Σ log det V_i at (σ², Ω). */
    @Override
    public NormalEquations normal(CovarianceMatrices cov) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double logSigma2 = Math.log(sigma2);
        int cols = p + 1;
        return reduce(() -> new NormalEquations(p), (acc, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            int outcome = sc.factorC(base, r, sigma2, omega);
            if (handOver(outcome, i)) {
                acc.add(GroupBlock.of(groups.get(i), cov.sigma(), omega));
                return;
            }
            if (outcome == NOT_POSITIVE_DEFINITE) {
                acc.admissible = false;
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
        }, NormalEquations::merge);
    }

    /** The full ML deviance Δ(β, θ) = Σ_i [log det V_i + r_i'V_i⁻¹r_i]; +∞ when some V_i is not positive definite. */
    @Override
    public double deviance(CovarianceMatrices cov, double[] beta) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double logSigma2 = Math.log(sigma2);
        double[] sum = reduce(() -> new double[1], (acc, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            int outcome = sc.factorC(base, r, sigma2, omega);
            if (handOver(outcome, i)) {
                acc[0] += BlockPath.groupDeviance(GroupBlock.of(groups.get(i), cov.sigma(), omega), beta);
                return;
            }
            if (outcome == NOT_POSITIVE_DEFINITE) {
                acc[0] = Double.POSITIVE_INFINITY;
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
     * G_Σ and G_Ω at (σ², Ω, β); Σ is the 1×1 [σ²], so G_Σ is the 1×1 [tr G_Σ] (⟨G_Σ, cI⟩ = c tr G_Σ).
     *
     * @param covBetaForReml A⁻¹ = (Σ X_i'V_i⁻¹X_i)⁻¹ for REML's extra term, null for ML
     */
    @Override
    public MatrixGradient gradient(CovarianceMatrices cov, double[] beta, double[][] covBetaForReml) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double inv = 1 / sigma2;
        double inv2 = inv * inv;
        double[] aInv = covBetaForReml == null ? null : org.lmm4j.linalg.Matrices.flatten(covBetaForReml);
        return reduce(() -> new MatrixGradient(1, q), (mg, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            int outcome = sc.factorC(base, r, sigma2, omega);
            if (handOver(outcome, i)) {
                mg.add(GroupBlock.of(groups.get(i), cov.sigma(), omega), beta, covBetaForReml);
                return;
            }
            if (outcome == NOT_POSITIVE_DEFINITE) {
                return; // not reached: the profile at θ, computed first, was inadmissible
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
        }, MatrixGradient::merge);
    }

    @Override
    public int groupCount() {
        return n;
    }

    @Override
    public String groupId(int index) {
        return groups.get(index).id();
    }

    @Override
    public SecondOrderSums secondOrder(Point point) {
        return secondOrder.sums(point);
    }

    /** BLUPs b̂_i = ΩZ_i'V_i⁻¹r_i = ΩR_i'C_i⁻¹(c_i − a_iβ), one row of length q per group. */
    @Override
    public double[][] blups(CovarianceMatrices cov, double[] beta) {
        double sigma2 = cov.sigma()[0][0];
        double[][] omega = cov.omega();
        double[][] out = new double[n][];
        reduce(() -> out, (o, sc, i) -> {
            int base = i * stride;
            int r = rank[i];
            double[] bi = new double[q];
            o[i] = bi;
            int outcome = sc.factorC(base, r, sigma2, omega);
            if (handOver(outcome, i)) {
                o[i] = BlockPath.blup(GroupBlock.of(groups.get(i), cov.sigma(), omega), omega, beta);
                return;
            }
            if (outcome == NOT_POSITIVE_DEFINITE) {
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

    private <A> A reduce(Supplier<A> make, GroupReduce.IndexedStep<A, Scratch> step, BinaryOperator<A> merge) {
        return GroupReduce.reduce(n, observations, make, Scratch::new, step, merge);
    }
}
