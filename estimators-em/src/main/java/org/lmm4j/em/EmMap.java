package org.lmm4j.em;

import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The EM map θ ↦ F(θ) = M(E(θ)) of one fit, with its count of criterion evaluations. Each
 * {@link #at evaluation} runs one pass over the groups for β̂(θ) and the criterion and one for the
 * E-step scatters, then the M-step. One instance per fit (it counts).
 */
final class EmMap {

    private final ProfiledDeviance deviance;
    private long evaluations;

    EmMap(ProfiledDeviance deviance) {
        this.deviance = deviance;
    }

    ProfiledDeviance deviance() {
        return deviance;
    }

    /** θ, its criterion and its EM image; null when θ is inadmissible. */
    Point at(double[] theta) {
        evaluations++;
        ExpectedScatter e = EStep.at(deviance, theta);
        if (e == null) {
            return null;
        }
        MStep.Update u = MStep.update(deviance, theta, e);
        return new Point(theta.clone(), e.criterion(), u.theta(), u.sigmaUnbounded(), e);
    }

    /** The criterion alone at θ (+∞ when inadmissible). */
    double criterion(double[] theta) {
        evaluations++;
        return deviance.criterion(theta);
    }

    /** The criterion and its gradient at θ (null when inadmissible), counted as one evaluation. */
    org.lmm4j.likelihood.Gradient gradient(double[] theta) {
        evaluations++;
        return deviance.gradient(theta);
    }

    long evaluations() {
        return evaluations;
    }

    /**
     * One evaluated point of the iteration.
     *
     * @param theta     θ
     * @param criterion Δ_p(θ) (ML) or Δ_R(θ) (REML)
     * @param image     F(θ), the plain EM update from θ
     * @param sigmaUnbounded Σ's expected scatter at θ is singular: the likelihood is unbounded (see {@link MStep.Update})
     * @param estep     the E-step at θ (its gradient is the criterion's gradient at θ)
     */
    record Point(double[] theta, double criterion, double[] image, boolean sigmaUnbounded, ExpectedScatter estep) {
    }
}
