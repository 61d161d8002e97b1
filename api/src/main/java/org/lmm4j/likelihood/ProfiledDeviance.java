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
 * optimiser). All sums run over the groups along one {@link CriterionPath}, chosen here once: the
 * {@link SufficientStatistics} when Σ = σ²I, else the {@link BlockPath}; no N×N matrix is ever formed. The
 * paths work on the data in the well-conditioned coordinates of {@link WorkingDesign}; every β that enters or
 * leaves this class is in the model's own coordinates.
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
 *
 * <p>A model with large crossed random terms ({@link MixedModel#crossed()}) is sent, here and only here, to the
 * blocked penalised least squares path ({@link CrossedDeviance}): value, gradient (analytic) and Hessian (finite
 * differences of the analytic gradient) in the same θ; the full deviance at a fixed β, the BLUPs by group, the
 * groups' V_i and the expected information are not available there (the estimators that need them refuse such models).
 *
 * <p>A scalar Σ = σ²I is carried as the 1×1 matrix [σ²] ({@link #covariances}, the matrix gradient G_Σ = [tr G_Σ]
 * and ∂Σ/∂θ), so that nothing costs T² when the occasions are only row positions (a few large groups).
 */
public final class ProfiledDeviance {

    private final MixedModel model;
    private final int p;
    private final int q;
    /** The dimension Σ is carried in: T, or 1 for a scalar Σ. */
    private final int t;
    private final int nSigma;
    private final WorkingDesign design;
    private final CriterionPath path;
    private final boolean sufficientStatistics;
    /** The crossed-terms path, or null for a model of groups. */
    private final CrossedDeviance crossed;
    /** The θ of the last crossed-path gradient, and ∇ρ there (for the Hessian's scale identity). */
    private double[] rhoAt;
    private double[] rhoGradient;
    /** The last second-order sums: the Hessian at θ̂ is asked for again after the fit, for Satterthwaite's df. */
    private volatile LastSums lastSums;

    /** Second-order sums at θ, with the A⁻¹ there. */
    private record LastSums(double[] theta, SecondOrderSums sums, double[] aInv) {
    }

    public ProfiledDeviance(MixedModel model) {
        this(model, true);
    }

    /**
     * @param sufficientStatistics use the {@link SufficientStatistics} path when Σ is scalar; false forces
     *                             the block path (to test that both agree)
     */
    ProfiledDeviance(MixedModel model, boolean sufficientStatistics) {
        this(model, sufficientStatistics && usesSufficientStatistics(model), null, null, model.crossed() != null);
    }

    /**
     * The criterion of a model whose groups live elsewhere (a distributed data set): {@code design} is the working
     * transform of all rows ({@link WorkingDesign#of(WorkingDesign.Rows)}) and {@code path} sums over the groups in
     * those coordinates, on the path {@link #usesSufficientStatistics} chooses for the model.
     */
    public ProfiledDeviance(MixedModel model, WorkingDesign design, CriterionPath path) {
        this(model, usesSufficientStatistics(model), design, path, false);
    }

    /** With a null {@code path}: the crossed-terms path, or the model's own groups reduced here. */
    private ProfiledDeviance(MixedModel model, boolean sufficientStatistics, WorkingDesign design, CriterionPath path,
                             boolean crossedTerms) {
        this.model = model;
        ModelData data = model.data();
        this.p = data.p();
        this.q = data.q();
        boolean scalar = model.residual().isScalar();
        this.t = scalar ? Math.min(1, data.occasions()) : data.occasions();
        this.nSigma = model.sigmaParameterCount();
        if (crossedTerms) {
            this.sufficientStatistics = false;
            this.crossed = new CrossedDeviance(model);
            this.design = null;
            this.path = null;
            return;
        }
        this.crossed = null;
        this.sufficientStatistics = sufficientStatistics;
        if (path != null) {
            this.design = design;
            this.path = path;
            return;
        }
        if (sufficientStatistics) {
            ReducedGroups.checkMemory(data.groupCount(), p, q);
        }
        this.design = WorkingDesign.of(data);
        this.path = CriterionPath.forGroups(this.design.groups(), p, q, sufficientStatistics);
    }

    /** The rule: the sufficient statistics when Σ = σ²I (and the data have occasions), else the block path. */
    public static boolean usesSufficientStatistics(MixedModel model) {
        return usesSufficientStatistics(model.residual(), model.data().occasions());
    }

    /** The same rule from Σ's structure and the number of occasions. */
    public static boolean usesSufficientStatistics(CovarianceStructure residual, int occasions) {
        return residual.isScalar() && occasions > 0;
    }

    /**
     * β₀, the ordinary least-squares fit of y on X from the working transform ({@link WorkingDesign}), computed once
     * for the criterion and the start values; null on the crossed-terms path, which keeps no transform.
     */
    public double[] leastSquares() {
        return design == null ? null : design.leastSquares();
    }

    /**
     * Whether X is numerically rank deficient over the model's rows (a column aliased with earlier ones,
     * {@link WorkingDesign#aliased}): β is then not identified, and no estimator can fit the model.
     */
    public boolean fixedEffectsAliased() {
        return design != null && design.aliased();
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

    /** Σ(θ_Σ) (T×T, or the 1×1 [σ²] for a scalar Σ) and Ω(θ_Ω). */
    public CovarianceMatrices covariances(double[] theta) {
        checkLength(theta);
        double[][] sigma = model.residual().matrix(sigmaTheta(theta), t);
        CovarianceStructure omegaStructure = model.randomEffects();
        double[][] omega = omegaStructure == null ? new double[0][0] : omegaStructure.matrix(omegaTheta(theta), q);
        return new CovarianceMatrices(sigma, omega);
    }

    /** The factored V_i of a group at θ (for estimators that work on the groups directly, e.g. EM). */
    public GroupBlock block(Group g, CovarianceMatrices c) {
        requireGroups("the groups' V_i");
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
        if (crossed != null) {
            return model.residual().isPositiveDefinite(sigmaTheta(theta), t) ? crossed.profile(covariances(theta))
                    : Profile.inadmissible();
        }
        return design.toModel(workingProfile(theta));
    }

    /** True when the model has large crossed random terms, fitted on the blocked path ({@link CrossedDeviance}). */
    public boolean isCrossed() {
        return crossed != null;
    }

    private void requireGroups(String what) {
        if (crossed != null) {
            throw new UnsupportedOperationException(what + " are not available for crossed random terms (one group "
                    + "of " + model.data().observations() + " rows, fitted by the blocked penalised least squares)");
        }
    }

    /** The gradient on the crossed path; null when inadmissible. */
    private Gradient crossedGradient(double[] theta, boolean parallel) {
        Gradient[] both = crossedGradients(theta, parallel);
        return both == null ? null : both[0];
    }

    /** The gradients of the criterion and of ρ = r'V⁻¹r alone on the crossed path; null when inadmissible. */
    private Gradient[] crossedGradients(double[] theta, boolean parallel) {
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return null;
        }
        CovarianceMatrices c = covariances(theta);
        CrossedDeviance.Result r = crossed.gradient(c, parallel);
        if (r == null) {
            return null;
        }
        double[][][] dSigma = model.residual().derivatives(sigmaTheta(theta), t);
        double[][][] dOmega = model.randomEffects().derivatives(omegaTheta(theta), q);
        double[] grad = new double[theta.length];
        double[] rho = new double[theta.length];
        for (int k = 0; k < nSigma; k++) {
            grad[k] = Matrices.frobenius(r.sigmaGradient(), dSigma[k]);
            rho[k] = Matrices.frobenius(r.rhoSigmaGradient(), dSigma[k]);
        }
        for (int k = 0; k < dOmega.length; k++) {
            grad[nSigma + k] = Matrices.frobenius(r.omegaGradient(), dOmega[k]);
            rho[nSigma + k] = Matrices.frobenius(r.rhoOmegaGradient(), dOmega[k]);
        }
        Profile pr = r.profile();
        return new Gradient[] {new Gradient(pr, criterion(pr), grad, r.sigmaGradient(), r.omegaGradient()),
                new Gradient(pr, pr.weightedRss(), rho, r.rhoSigmaGradient(), r.rhoOmegaGradient())};
    }

    /** The profile in working coordinates (β̃, (Σ X̃_i'V_i⁻¹X̃_i)⁻¹, log det Ã). */
    private Profile workingProfile(double[] theta) {
        CovarianceMatrices c = covariances(theta);
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return Profile.inadmissible();
        }
        NormalEquations acc = path.normal(c);
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
        return criterion(profile(theta));
    }

    /** The criterion of a profile, according to the model's method. */
    public double criterion(Profile pr) {
        return model.method() == Method.REML ? pr.devianceReml() : pr.devianceMl();
    }

    /** The full ML deviance Δ(β, θ); +∞ when inadmissible. */
    public double deviance(double[] beta, double[] theta) {
        requireGroups("the deviance at a fixed β");
        CovarianceMatrices c = covariances(theta);
        if (!model.residual().isPositiveDefinite(sigmaTheta(theta), t)) {
            return Double.POSITIVE_INFINITY;
        }
        return path.deviance(c, design.toWorking(beta));
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

    /** The criterion and its gradient with respect to θ at θ (null when θ is inadmissible). */
    public Gradient gradient(double[] theta) {
        if (crossed != null) {
            Gradient[] both = crossedGradients(theta, true);
            if (both == null) {
                return null;
            }
            synchronized (this) {
                rhoAt = theta.clone();
                rhoGradient = both[1].theta();
            }
            return both[0];
        }
        Profile working = workingProfile(theta);
        if (!working.admissible()) {
            return null;
        }
        Profile pr = design.toModel(working);
        return matrixGradient(pr, working, working.beta(), theta, criterion(pr));
    }

    /**
     * The gradient with respect to θ with β held fixed (alternating minimisation's θ-step):
     * ∂Δ(β,θ)/∂θ_k = Σ_i tr[(V_i⁻¹ − V_i⁻¹r_ir_i'V_i⁻¹) ∂V_i/∂θ_k] with r_i = y_i − X_iβ; for REML, of
     * Δ(β,θ) + log det(Σ X_i'V_i⁻¹X_i), which adds the same term as {@link #gradient(double[])}. At β = β̂(θ) it
     * equals {@code gradient(θ)}. The record's {@code criterion} is that fixed-β objective; its {@code profile} is
     * the profile at θ. Null when θ is inadmissible.
     */
    public Gradient gradientAtBeta(double[] beta, double[] theta) {
        requireGroups("the gradient at a fixed β");
        Profile working = workingProfile(theta);
        if (!working.admissible()) {
            return null;
        }
        Profile pr = design.toModel(working);
        double objective = deviance(beta, theta)
                + (model.method() == Method.REML ? pr.logDetXtVinvX() : 0);
        return matrixGradient(pr, working, design.toWorking(beta), theta, objective);
    }

    /** The gradient at the working β̃ {@code beta}; REML's term from the working profile. */
    private Gradient matrixGradient(Profile pr, Profile working, double[] beta, double[] theta, double value) {
        CovarianceMatrices c = covariances(theta);
        boolean reml = model.method() == Method.REML;
        MatrixGradient acc = path.gradient(c, beta, reml ? working.covBeta() : null);
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
     * ({@link SufficientStatistics}): every evaluation then costs O(q³ + pq) per group.
     */
    public boolean hasSufficientStatistics() {
        return sufficientStatistics;
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
     * The analytic Hessian of the criterion with respect to θ ({@link SecondOrderSums}: Lindstrom &amp; Bates),
     * with the worst conditioning of the V_i, from the same path as the value and the gradient; the matrix
     * gradients of {@code gradient} (computed at the same θ) give the structures' second-derivative terms. The
     * profile is recomputed in working coordinates (one pass), so that β̂ and A⁻¹ carry no rounding of the
     * map back to the model's coordinates. Null when θ is inadmissible.
     */
    public CriterionHessian hessian(double[] theta, Gradient gradient) {
        return hessian(theta, gradient, false);
    }

    /**
     * The Hessian of {@link #hessian} and, from the same pass over the groups, the derivatives of the fixed effects'
     * covariance C(θ) = A⁻¹ in the model's coordinates: ∂C/∂θ_k = A⁻¹C_kA⁻¹ with C_k = Σ_i X_i'P_i dV_k P_iX_i
     * ({@link SecondOrderSums}), since ∂A/∂θ_k = −C_k (Satterthwaite's degrees of freedom need them). On the
     * crossed-terms path, which keeps no group sums, the derivatives are null. Null when θ is inadmissible.
     */
    public CriterionHessian hessianAndCovarianceDerivatives(double[] theta, Gradient gradient) {
        return hessian(theta, gradient, true);
    }

    private CriterionHessian hessian(double[] theta, Gradient gradient, boolean covarianceDerivatives) {
        if (crossed != null) {
            // σ²'s column by the scale identity when every structure is linear (homogeneous in θ) and σ² > 0; ∇ρ from
            // the gradient just computed at θ when it was (the Newton loop's order), else computed here
            boolean scale = nSigma == 1 && theta[0] > 0 && model.residual().isLinear()
                    && model.randomEffects().isLinear();
            double[] rho = null;
            if (scale) {
                synchronized (this) {
                    rho = java.util.Arrays.equals(theta, rhoAt) ? rhoGradient : null;
                }
                if (rho == null) {
                    Gradient[] at = crossedGradients(theta, true);
                    if (at == null) {
                        return null;
                    }
                    rho = at[1].theta();
                }
            }
            double[][] h = CrossedDeviance.hessian(theta, gradient.theta(), rho, scale ? 0 : -1, x -> {
                Gradient g = crossedGradient(x, true);
                return g == null ? null : g.theta();
            });
            return h == null ? null : new CriterionHessian(h, 1, null);
        }
        boolean reml = model.method() == Method.REML;
        LastSums last = lastSums;
        boolean again = last != null && java.util.Arrays.equals(theta, last.theta())
                && (!covarianceDerivatives || last.sums().hasCovarianceTerms());
        SecondOrderSums sums = again ? last.sums() : null;
        double[] aInv = again ? last.aInv() : null;
        if (sums == null) {
            Profile working = workingProfile(theta);
            if (!working.admissible()) {
                return null;
            }
            aInv = Matrices.flatten(working.covBeta());
            // C_k costs little on the sufficient-statistics path (O(q p² ) per group and parameter), so it is always
            // taken there: the Hessian at θ̂ then serves Satterthwaite's derivatives of A⁻¹ too
            sums = path.secondOrder(point(theta, working, aInv, reml, covarianceDerivatives || sufficientStatistics));
            lastSums = new LastSums(theta.clone(), sums, aInv);
        }
        double[][] h = sums.hessian(aInv, reml);
        addSecondDerivativeTerms(h, theta, gradient);
        String worstId = sums.worstIndex < 0 ? null : path.groupId(sums.worstIndex);
        double[][][] dC = null;
        if (covarianceDerivatives) {
            dC = sums.inverseDerivatives(aInv);
            for (int k = 0; k < dC.length; k++) {
                dC[k] = design.covarianceToModel(dC[k]);
            }
        }
        return new CriterionHessian(h, sums.worstIndex < 0 ? 1 : sums.worst, worstId, dC);
    }

    /**
     * The expected information of the criterion at θ ({@link SecondOrderSums}: Σ_i tr(V_i⁻¹dV_kV_i⁻¹dV_l), for
     * REML − tr(A⁻¹C_kA⁻¹C_l)), the metric of Fisher scoring, from the same path as the value and the
     * gradient; null when θ is inadmissible or some V_i is not positive definite. {@code gradient} is not needed
     * (the information does not depend on β) and may be null.
     */
    public double[][] expectedInformation(double[] theta, Gradient gradient) {
        double[] info = information(theta, model.method() == Method.REML);
        return info == null ? null : Matrices.square(info, theta.length);
    }

    /** I(θ) as a K×K row-major array, ML's or REML's; null when inadmissible. */
    double[] information(double[] theta, boolean reml) {
        requireGroups("the expected information");
        Profile working = workingProfile(theta);
        if (!working.admissible()) {
            return null;
        }
        double[] aInv = Matrices.flatten(working.covBeta());
        return path.secondOrder(point(theta, working, aInv, reml, false)).information(aInv);
    }

    private CriterionPath.Point point(double[] theta, Profile working, double[] aInv, boolean reml,
                                      boolean covariance) {
        double[][][] dSigma = model.residual().derivatives(sigmaTheta(theta), t);
        double[][][] dOmega = q > 0 ? model.randomEffects().derivatives(omegaTheta(theta), q) : new double[0][][];
        return new CriterionPath.Point(covariances(theta), dSigma, dOmega, working.beta(), aInv, reml, covariance, p, q);
    }

    /**
     * Crossed terms on the blocked path: the BLUPs by term and level ({@code levels × q_k} per term, in the frame's
     * order), or null when θ is inadmissible.
     */
    public double[][][] termEffects(double[] theta) {
        if (crossed == null) {
            throw new UnsupportedOperationException("BLUPs by term and level are for crossed terms on the blocked path");
        }
        return crossed.effects(covariances(theta));
    }

    /** The labels of the groups, in the order of {@link #blups}. */
    public List<String> groupIds() {
        return path.groupIds();
    }

    /** BLUPs b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ), one row of length q per group, in group order. */
    public double[][] blups(double[] theta, double[] beta) {
        requireGroups("BLUPs by group");
        return path.blups(covariances(theta), design.toWorking(beta));
    }

    private void checkLength(double[] theta) {
        if (theta.length != model.thetaLength()) {
            throw new IllegalArgumentException("θ has length " + theta.length + ", the model needs " + model.thetaLength());
        }
    }
}
