package org.lmm4j.alternating;

import org.lmm4j.api.Method;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The function the alternating estimator minimises, with its evaluation count for one fit.
 *
 * <p>What is alternated: the estimator minimises F(β, θ) over β for fixed θ and over θ for fixed β, where
 * <ul>
 *   <li>ML: F(β, θ) = Δ(β, θ) = Σ_i [log det V_i + (y_i − X_iβ)'V_i⁻¹(y_i − X_iβ)], the paper's deviance;</li>
 *   <li>REML: F(β, θ) = Δ(β, θ) + log det(Σ_i X_i'V_i⁻¹X_i).</li>
 * </ul>
 * In both cases min_β F(β, θ) is attained at the GLS estimate β̂(θ) (the REML term does not depend on β)
 * and equals the criterion the other estimators minimise, Δ_p(θ) for ML and Δ_R(θ) for REML
 * ({@link ProfiledDeviance#criterion}). Hence every θ-step that lowers F(β̂(θ_k), ·) lowers the criterion:
 * criterion(θ_{k+1}) ≤ F(β̂(θ_k), θ_{k+1}) ≤ F(β̂(θ_k), θ_k) = criterion(θ_k).
 *
 * <p>One instance per fit: it counts the passes over the groups it makes (its only mutable state).
 */
final class FixedBetaObjective {

    private final ProfiledDeviance deviance;
    private final boolean reml;
    private long evaluations;

    FixedBetaObjective(ProfiledDeviance deviance) {
        this.deviance = deviance;
        this.reml = deviance.model().method() == Method.REML;
    }

    ProfiledDeviance deviance() {
        return deviance;
    }

    /** The profile over β at θ (the β-step: β̂(θ), the GLS estimate) and with it the criterion. */
    Profile profile(double[] theta) {
        evaluations++;
        return deviance.profile(theta);
    }

    /** F(β, θ) as defined above; +∞ when θ is inadmissible. */
    double value(double[] beta, double[] theta) {
        evaluations++;
        double d = deviance.deviance(beta, theta);
        if (!reml || d == Double.POSITIVE_INFINITY) {
            return d;
        }
        evaluations++;
        Profile pr = deviance.profile(theta);
        return pr.admissible() ? d + pr.logDetXtVinvX() : Double.POSITIVE_INFINITY;
    }

    /** F(β, θ) and its gradient in θ at fixed β ({@link ProfiledDeviance#gradientAtBeta}); null when inadmissible. */
    Gradient gradient(double[] beta, double[] theta) {
        evaluations++;
        return deviance.gradientAtBeta(beta, theta);
    }

    /**
     * The scoring metric at θ ({@link org.lmm4j.likelihood.ExpectedInformation}): the expected Hessian of Δ(β, ·) for ML, the REML
     * information for REML ({@code profile} is the profile at θ, which carries A⁻¹); null when inadmissible.
     */
    double[] information(double[] theta, Profile profile) {
        evaluations++;
        return org.lmm4j.likelihood.ExpectedInformation.compute(deviance, theta, reml ? profile.covBeta() : null);
    }

    /** Passes over the data made so far. */
    long evaluations() {
        return evaluations;
    }
}
