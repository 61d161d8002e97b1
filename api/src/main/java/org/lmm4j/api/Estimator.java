package org.lmm4j.api;

import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * An algorithm that minimises the criterion of a {@link MixedModel} (Δ_p for ML, Δ_R for REML; docs/DESIGN.md,
 * "Estimators"). Implementations are stateless plug-ins discovered with {@link java.util.ServiceLoader}.
 *
 * <p>The SPI is the algorithm alone: the host ({@link org.lmm4j.optimise.Fitting}) builds the criterion once,
 * chooses the start values (several where the likelihood may have several minima), calls {@link #minimise}, runs the
 * shared finishing step when asked ({@link FitOptions#finish()}), catches failures in one place and assembles the
 * {@link FitResult}. An estimator uses the shared optimisation core ({@link org.lmm4j.optimise}) for any
 * second-order step, boundary handling and unboundedness test, and never re-derives the likelihood.
 */
public interface Estimator {

    /** Short name used on the command line, e.g. {@code newton}. */
    String name();

    /** One-line description for {@code lmm4j list}. */
    String description();

    /**
     * Runs the algorithm from {@code start}. Numerical trouble (non-convergence, an unbounded likelihood, a
     * breakdown) is a status of the returned run; an exception is a programming error and is reported as one.
     */
    EstimatorRun minimise(ProfiledDeviance criterion, double[] start, FitOptions options);

    /**
     * False when the estimator is itself the finishing step (Newton–Raphson on the profiled criterion), so the host
     * does not run it twice.
     */
    default boolean wantsFinish() {
        return true;
    }

    /**
     * True when the estimator can fit a model with large crossed random terms ({@link MixedModel#crossed()}), whose
     * criterion offers the value, gradient and Hessian but no groups, no fixed-β deviance and no expected information.
     */
    default boolean fitsCrossedTerms() {
        return false;
    }

    /** Fits a model through the host: criterion, starts, this algorithm, the shared finish, the result. */
    default FitResult fit(MixedModel model, FitOptions options) {
        return org.lmm4j.optimise.Fitting.fit(this, model, options);
    }
}
