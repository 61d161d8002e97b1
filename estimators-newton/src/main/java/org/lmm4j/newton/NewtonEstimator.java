package org.lmm4j.newton;

import org.lmm4j.api.Estimator;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.optimise.ProfiledNewton;

/**
 * Newton–Raphson on the likelihood profiled over β (the paper, after Lindstrom &amp; Bates, JASA 1988): minimises Δ_p
 * (ML) or Δ_R (REML) over θ with the analytic gradient and Hessian of {@link ProfiledDeviance}. The iteration is the
 * optimisation core's {@link ProfiledNewton} (modified-Hessian direction, Armijo back-tracking, Ω kept positive
 * semi-definite in Cholesky coordinates, the KKT check at a boundary, the unboundedness test); since it is itself
 * the finishing step of the other estimators, the host runs no finish after it.
 */
public final class NewtonEstimator implements Estimator {

    @Override
    public String name() {
        return "newton";
    }

    @Override
    public String description() {
        return "Newton–Raphson on the profiled likelihood with analytic gradient and Hessian (Lindstrom & Bates)";
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance criterion, double[] start, FitOptions options) {
        return new ProfiledNewton(criterion, options).minimise(start);
    }

    /** Newton needs only the criterion, its gradient and its Hessian, which the crossed-terms path gives. */
    @Override
    public boolean fitsCrossedTerms() {
        return true;
    }

    @Override
    public boolean wantsFinish() {
        return false;
    }
}
