package org.lmm4j.alternating;

import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * Alternating minimisation, the paper's first suggestion: the deviance "is easily minimized, for instance,
 * by alternating minimization over β for fixed θ and minimization of θ for fixed β until convergence".
 *
 * <ul>
 *   <li>β-step: generalised least squares, β̂(θ) = (Σ X_i'V_i⁻¹X_i)⁻¹ Σ X_i'V_i⁻¹y_i, group by group
 *       ({@link ProfiledDeviance#profile}).</li>
 *   <li>θ-step: for a marginal ML model with every occasion seen once per group, the structure's closed-form
 *       maximiser of the residual scatter Σ_i r_ir_i' ({@link ScatterStep}); otherwise inner Fisher-scoring
 *       steps on F(β, θ) by the shared second-order step, Ω kept positive semi-definite by its coordinates ({@link ScoringStep}).</li>
 *   <li>ML alternates over Δ(β, θ); REML over Δ(β, θ) + log det(Σ X_i'V_i⁻¹X_i), whose β-minimiser is the
 *       same GLS estimate ({@link FixedBetaObjective}). The monitored criterion, Δ_p or Δ_R, never rises.</li>
 * </ul>
 * Stateless: every call to {@link #fit} runs its own {@link AlternatingRun}.
 */
public final class AlternatingEstimator implements Estimator {

    /** The name on the command line. */
    public static final String NAME = "alternating";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "alternating minimisation: GLS for β at fixed θ, then θ at fixed β (closed-form scatter or Fisher scoring)";
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance criterion, double[] start, FitOptions options) {
        return new AlternatingRun(criterion, options).run(start);
    }
}
