package org.lmm4j.likelihood;

import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The deviance of a mixed model as a function of the covariance parameters θ = (θ_Σ, θ_Ω), built
 * once per model and handed to any estimator (the lme4 habit: the objective is separate from the
 * optimiser). All sums run group by group over {@link GroupBlock}s; no N×N matrix is ever formed.
 *
 * <ul>
 *   <li>Full ML deviance (paper, constant dropped): Δ(β,θ) = Σ_i [log det V_i + (y_i − X_iβ)'V_i⁻¹(y_i − X_iβ)].</li>
 *   <li>Profiled: Δ_p(θ) = Δ(β̂(θ), θ), β̂(θ) = (Σ X_i'V_i⁻¹X_i)⁻¹ Σ X_i'V_i⁻¹y_i.</li>
 *   <li>REML: Δ_R(θ) = Δ_p(θ) + log det(Σ X_i'V_i⁻¹X_i).</li>
 *   <li>Gradient: ∂Δ_p/∂θ_k = Σ_i tr[(V_i⁻¹ − V_i⁻¹r_ir_i'V_i⁻¹) ∂V_i/∂θ_k] (β̂ drops out by the envelope
 *       theorem); REML adds −Σ_i tr[V_i⁻¹X_iA⁻¹X_i'V_i⁻¹ ∂V_i/∂θ_k] with A = Σ X_i'V_i⁻¹X_i.</li>
 *   <li>BLUP (conditional mode): b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ̂).</li>
 * </ul>
 *
 * <p>The {@linkplain #criterion criterion} is Δ_p for ML and Δ_R for REML, and is +∞ at an
 * inadmissible θ (Σ not positive definite, or some V_i not positive definite).
 */
public final class ProfiledDeviance {

    private final MixedModel model;
    private final ModelData data;
    private final int p;
    private final int q;
    private final int t;
    private final int nSigma;
    private final int observations;
    /** The groups reduced to sufficient statistics when Σ = σ²I (the fast path), else null. */
    private final SufficientStatistics statistics;

    public ProfiledDeviance(MixedModel model) {
        this(model, true);
    }

    /**
     * @param sufficientStatistics use the {@link SufficientStatistics} fast path when Σ is scalar; false forces
     *                             the generic group-by-group path (to test that both agree)
     */
    ProfiledDeviance(MixedModel model, boolean sufficientStatistics) {
        this.model = model;
        this.data = model.data();
        this.p = data.p();
        this.q = data.q();
        this.t = data.occasions();
        this.nSigma = model.sigmaParameterCount();
        this.observations = data.observations();
        this.statistics = sufficientStatistics && model.residual().isScalar() && data.occasions() > 0
                ? SufficientStatistics.of(data) : null;
    }

    /** The model this deviance belongs to. */
    public MixedModel model() {
        return model;
    }

    /** Length of θ. */
    public int thetaLength() {
        return model.thetaLength();
    }

    /** θ_Σ, the first part of θ. */
    public double[] sigmaTheta(double[] theta) {
        return java.util.Arrays.copyOfRange(theta, 0, nSigma);
    }

    /** θ_Ω, the second part of θ. */
    public double[] omegaTheta(double[] theta) {
        return java.util.Arrays.copyOfRange(theta, nSigma, theta.length);
    }

    /** θ from its two parts. */
    public double[] join(double[] sigmaTheta, double[] omegaTheta) {
        double[] theta = new double[sigmaTheta.length + omegaTheta.length];
        System.arraycopy(sigmaTheta, 0, theta, 0, sigmaTheta.length);
        System.arraycopy(omegaTheta, 0, theta, sigmaTheta.length, omegaTheta.length);
        return theta;
    }

    /** Σ(θ_Σ) and Ω(θ_Ω). */
    public CovarianceMatrices covariances(double[] theta) {
        checkLength(theta);
        double[][] sigma = model.residual().matrix(sigmaTheta(theta), t);
        CovarianceStructure omegaStructure = model.randomEffects();
        double[][] omega = omegaStructure == null ? new double[0][0] : omegaStructure.matrix(omegaTheta(theta), q);
        return new CovarianceMatrices(sigma, omega);
    }

    /** The factored V_i of every group at θ (for estimators that work on the groups directly, e.g. EM). */
    public GroupBlock block(Group g, CovarianceMatrices c) {
        return GroupBlock.of(g, c.sigma(), c.omega());
    }

    /**
     * True when Σ(θ) is positive definite and, if {@code omegaPsd}, Ω(θ) is positive semi-definite;
     * V_i positive definite is checked by the criterion itself.
     */
    public boolean isAdmissible(double[] theta, boolean omegaPsd) {
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return false;
        }
        if (omegaPsd && q > 0) {
            return Matrices.isPositiveSemiDefinite(covariances(theta).omega(), 1e-10);
        }
        return true;
    }

    /** The profile over β at θ. */
    public Profile profile(double[] theta) {
        CovarianceMatrices c = covariances(theta);
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return Profile.inadmissible();
        }
        Normal acc = statistics != null ? statistics.normal(c)
                : GroupReduce.reduce(data.groups(), observations, () -> new Normal(p),
                (a, g) -> a.add(GroupBlock.of(g, c.sigma(), c.omega())), Normal::merge);
        if (!acc.admissible) {
            return Profile.inadmissible();
        }
        double[] a = Matrices.flatten(acc.xtx);
        if (!Cholesky.factor(a, p) || aliased(a, acc.xtx)) {
            return Profile.inadmissible();
        }
        double[] beta = acc.xty.clone();
        Cholesky.solve(a, p, beta, 1);
        double fit = 0;
        for (int i = 0; i < p; i++) {
            fit += beta[i] * acc.xty[i];
        }
        double rss = acc.yty - fit;
        double[][] cov = Matrices.square(Cholesky.inverse(a, p), p);
        return new Profile(true, beta, cov, acc.logDet, rss, p == 0 ? 0 : Cholesky.logDet(a, p));
    }

    /** The criterion minimised by every estimator: Δ_p(θ) for ML, Δ_R(θ) for REML; +∞ when inadmissible. */
    public double criterion(double[] theta) {
        Profile pr = profile(theta);
        return model.method() == Method.REML ? pr.devianceReml() : pr.devianceMl();
    }

    /** The criterion of a profile, according to the model's method. */
    public double criterion(Profile pr) {
        return model.method() == Method.REML ? pr.devianceReml() : pr.devianceMl();
    }

    /** The full ML deviance Δ(β, θ); +∞ when inadmissible. */
    public double deviance(double[] beta, double[] theta) {
        CovarianceMatrices c = covariances(theta);
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return Double.POSITIVE_INFINITY;
        }
        if (statistics != null) {
            return statistics.deviance(c, beta);
        }
        double[] sum = GroupReduce.reduce(data.groups(), observations, () -> new double[1],
                (a, g) -> a[0] += groupDeviance(GroupBlock.of(g, c.sigma(), c.omega()), beta),
                (x, y) -> new double[] {x[0] + y[0]});
        return sum[0];
    }

    /**
     * True when a pivot of the factor L of A = Σ X_i'V_i⁻¹X_i is negligible against its diagonal
     * (L_jj² ≤ 1e-14 A_jj: column j of the whitened X is within 1e-7 of a combination of the earlier ones), so
     * that aliased fixed effects never get a GLS estimate by the luck of rounding. The model compiler rejects
     * designs aliased to within 1e-6 first, with a message naming the columns; this is the safety net.
     */
    private static boolean aliased(double[] l, double[][] xtx) {
        int n = xtx.length;
        for (int j = 0; j < n; j++) {
            double ljj = l[j * n + j];
            if (ljj * ljj <= 1e-14 * xtx[j][j]) {
                return true;
            }
        }
        return false;
    }

    /** One group's term log det V_i + r_i'V_i⁻¹r_i of Δ(β, θ); +∞ when V_i is not positive definite. */
    static double groupDeviance(GroupBlock b, double[] beta) {
        if (!b.isPositiveDefinite()) {
            return Double.POSITIVE_INFINITY;
        }
        double[] r = b.residual(beta);
        b.whiten(r, 1);
        double s = b.logDet();
        for (double w : r) {
            s += w * w;
        }
        return s;
    }

    /** The criterion and its gradient with respect to θ at θ (null when θ is inadmissible). */
    public Gradient gradient(double[] theta) {
        Profile pr = profile(theta);
        if (!pr.admissible()) {
            return null;
        }
        return matrixGradient(pr, pr.beta(), theta, criterion(pr));
    }

    /**
     * The gradient with respect to θ with β held fixed (alternating minimisation's θ-step):
     * ∂Δ(β,θ)/∂θ_k = Σ_i tr[(V_i⁻¹ − V_i⁻¹r_ir_i'V_i⁻¹) ∂V_i/∂θ_k] with r_i = y_i − X_iβ; for REML, of
     * Δ(β,θ) + log det(Σ X_i'V_i⁻¹X_i), which adds the same term as {@link #gradient(double[])}. At β = β̂(θ) it
     * equals {@code gradient(θ)}. The record's {@code criterion} is that fixed-β objective; its {@code profile} is
     * the profile at θ. Null when θ is inadmissible.
     */
    public Gradient gradientAtBeta(double[] beta, double[] theta) {
        Profile pr = profile(theta);
        if (!pr.admissible()) {
            return null;
        }
        double objective = deviance(beta, theta)
                + (model.method() == Method.REML ? pr.logDetXtVinvX() : 0);
        return matrixGradient(pr, beta, theta, objective);
    }

    private Gradient matrixGradient(Profile pr, double[] beta, double[] theta, double value) {
        CovarianceMatrices c = covariances(theta);
        boolean reml = model.method() == Method.REML;
        double[][] covBeta = pr.covBeta();
        MatrixGradient acc = statistics != null
                ? statistics.gradient(c, beta, reml ? covBeta : null, t)
                : GroupReduce.reduce(data.groups(), observations, () -> new MatrixGradient(t, q),
                (a, g) -> a.add(GroupBlock.of(g, c.sigma(), c.omega()), beta, reml ? covBeta : null),
                MatrixGradient::merge);
        double[] grad = new double[theta.length];
        double[][][] dSigma = model.residual().derivatives(sigmaTheta(theta), t);
        for (int k = 0; k < nSigma; k++) {
            grad[k] = Matrices.frobenius(acc.sigma, dSigma[k]);
        }
        if (q > 0) {
            double[][][] dOmega = model.randomEffects().derivatives(omegaTheta(theta), q);
            for (int k = 0; k < dOmega.length; k++) {
                grad[nSigma + k] = Matrices.frobenius(acc.omega, dOmega[k]);
            }
        }
        return new Gradient(pr, value, grad, acc.sigma, acc.omega);
    }

    /**
     * True when Σ is scalar (σ²I) and the groups were reduced once to sufficient statistics
     * ({@link SufficientStatistics}): every evaluation then costs O(q³ + pq) per group, and
     * {@link #sufficientStatisticsHessian} is available.
     */
    public boolean hasSufficientStatistics() {
        return statistics != null;
    }

    /**
     * The analytic Hessian of the criterion with respect to θ from the sufficient statistics (Σ scalar only; see
     * {@link #hasSufficientStatistics}), with the worst conditioning of the V_i. The same quantity as the general
     * group-by-group Hessian of Lindstrom &amp; Bates (ML: Σ_i[−tr(P dV_k P dV_l) + 2u'dV_k P dV_l u] − 2b_k'A⁻¹b_l,
     * REML: plus 2Σ_i tr(A⁻¹X'P dV_k P dV_l P X) − tr(A⁻¹C_kA⁻¹C_l)), plus ⟨G_Σ, ∂²Σ/∂θ_k∂θ_l⟩ + ⟨G_Ω, ∂²Ω/∂θ_k∂θ_l⟩
     * for non-linear structures.
     *
     * @param gradient the gradient at the same θ (its profile gives β̂ and A⁻¹, its matrix gradients the
     *                 second-derivative terms)
     */
    public CriterionHessian sufficientStatisticsHessian(double[] theta, Gradient gradient) {
        if (statistics == null) {
            throw new IllegalStateException("the sufficient-statistics Hessian needs a scalar residual structure");
        }
        CovarianceMatrices c = covariances(theta);
        double[] ts = sigmaTheta(theta);
        double[][][] dSigma = model.residual().derivatives(ts, t);
        double[] gamma = new double[nSigma];
        for (int k = 0; k < nSigma; k++) {
            gamma[k] = dSigma[k][0][0];
        }
        double[] to = omegaTheta(theta);
        double[][][] dOmega = q > 0 ? model.randomEffects().derivatives(to, q) : new double[0][][];
        Profile pr = gradient.profile();
        CriterionHessian h = statistics.hessian(c.sigma()[0][0], c.omega(), gamma, dOmega, pr.beta(),
                pr.covBeta(), model.method() == Method.REML);
        addSecondDerivativeTerms(h.hessian(), theta, gradient);
        return h;
    }

    /**
     * Adds the part of the Hessian that non-linear structures bring, ⟨G_Σ, ∂²Σ/∂θ_k∂θ_l⟩ + ⟨G_Ω, ∂²Ω/∂θ_k∂θ_l⟩,
     * to {@code hessian} (nothing for structures linear in θ). Any Hessian of the criterion, whatever path
     * computes its other terms, ends with this.
     */
    public void addSecondDerivativeTerms(double[][] hessian, double[] theta, Gradient gradient) {
        double[] ts = sigmaTheta(theta);
        if (!model.residual().isLinear()) {
            for (int k = 0; k < nSigma; k++) {
                for (int l = 0; l < nSigma; l++) {
                    double[][] d2 = model.residual().secondDerivative(ts, t, k, l);
                    if (d2 != null) {
                        hessian[k][l] += Matrices.frobenius(gradient.sigmaGradient(), d2);
                    }
                }
            }
        }
        if (q > 0 && !model.randomEffects().isLinear()) {
            double[] to = omegaTheta(theta);
            for (int k = 0; k < to.length; k++) {
                for (int l = 0; l < to.length; l++) {
                    double[][] d2 = model.randomEffects().secondDerivative(to, q, k, l);
                    if (d2 != null) {
                        hessian[nSigma + k][nSigma + l] += Matrices.frobenius(gradient.omegaGradient(), d2);
                    }
                }
            }
        }
    }

    /**
     * The analytic Hessian of the criterion with respect to θ ({@link ProfiledHessian}: Lindstrom &amp; Bates),
     * reusing the profile and matrix gradients of {@code gradient}, computed at the same θ.
     */
    public CriterionHessian hessian(double[] theta, Gradient gradient) {
        return new ProfiledHessian(this).at(theta, gradient);
    }

    /**
     * The expected information of the criterion at θ ({@link ExpectedInformation}: Σ_i tr(V_i⁻¹dV_kV_i⁻¹dV_l), with
     * the REML correction), the metric of Fisher scoring; null when some V_i is not positive definite.
     */
    public double[][] expectedInformation(double[] theta, Gradient gradient) {
        double[] info = ExpectedInformation.compute(this, theta,
                model.method() == Method.REML ? gradient.profile().covBeta() : null);
        return info == null ? null : Matrices.square(info, theta.length);
    }

    /** BLUPs b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ), one row of length q per group, in group order. */
    public double[][] blups(double[] theta, double[] beta) {
        CovarianceMatrices c = covariances(theta);
        if (statistics != null) {
            return statistics.blups(c.sigma()[0][0], c.omega(), beta);
        }
        List<Group> groups = data.groups();
        double[][] out = new double[groups.size()][];
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            GroupBlock b = GroupBlock.of(g, c.sigma(), c.omega());
            double[] u = b.residual(beta);
            b.solve(u, 1);
            double[] ztu = new double[q];
            double[] z = g.z();
            for (int j = 0; j < g.size(); j++) {
                for (int a = 0; a < q; a++) {
                    ztu[a] += z[j * q + a] * u[j];
                }
            }
            double[] bi = new double[q];
            for (int a = 0; a < q; a++) {
                for (int k = 0; k < q; k++) {
                    bi[a] += c.omega()[a][k] * ztu[k];
                }
            }
            out[i] = bi;
        }
        return out;
    }


    private void checkLength(double[] theta) {
        if (theta.length != model.thetaLength()) {
            throw new IllegalArgumentException("θ has length " + theta.length + ", the model needs " + model.thetaLength());
        }
    }

    /** Accumulates the GLS normal equations Σ X'V⁻¹X, Σ X'V⁻¹y, Σ y'V⁻¹y and Σ log det V. */
    static final class Normal {
        final int p;
        final double[][] xtx;
        final double[] xty;
        double yty;
        double logDet;
        boolean admissible = true;

        Normal(int p) {
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

        Normal merge(Normal o) {
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

    /** Accumulates G_Σ and G_Ω, the gradient of the criterion with respect to the matrices Σ and Ω. */
    static final class MatrixGradient {
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
            int[] t = g.occasion();
            for (int j = 0; j < m; j++) {
                double[] row = sigma[t[j]];
                for (int k = 0; k < m; k++) {
                    row[t[k]] += mat[j * m + k];
                }
            }
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

        MatrixGradient merge(MatrixGradient o) {
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
}
