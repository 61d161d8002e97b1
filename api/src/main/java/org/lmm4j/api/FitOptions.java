package org.lmm4j.api;

import java.util.function.Consumer;

/**
 * Options every estimator understands.
 *
 * @param maxIterations  iteration limit (outer iterations)
 * @param tolerance      convergence tolerance on the relative change of the criterion
 * @param accelerate     use the estimator's acceleration where it has one (EM: SQUAREM)
 * @param constrainPsd   keep Ω positive semi-definite (lme4/nlme); false lets Ω be any matrix that keeps V_i positive definite
 * @param progress       called after every iteration (logging, progress bars); never null
 */
public record FitOptions(int maxIterations, double tolerance, boolean accelerate, boolean constrainPsd,
                         Consumer<IterationRecord> progress) {

    public FitOptions {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive");
        }
        progress = progress == null ? r -> { } : progress;
    }

    /** Defaults: 1000 iterations, tolerance 1e-10, acceleration on, Ω positive semi-definite. */
    public static FitOptions defaults() {
        return new FitOptions(1000, 1e-10, true, true, null);
    }

    public FitOptions withMaxIterations(int n) {
        return new FitOptions(n, tolerance, accelerate, constrainPsd, progress);
    }

    public FitOptions withTolerance(double t) {
        return new FitOptions(maxIterations, t, accelerate, constrainPsd, progress);
    }

    public FitOptions withAccelerate(boolean a) {
        return new FitOptions(maxIterations, tolerance, a, constrainPsd, progress);
    }

    public FitOptions withProgress(Consumer<IterationRecord> p) {
        return new FitOptions(maxIterations, tolerance, accelerate, constrainPsd, p);
    }
}
