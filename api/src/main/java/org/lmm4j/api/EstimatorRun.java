package org.lmm4j.api;

import java.util.List;

/**
 * What an estimator's algorithm reports about one run from one start (the {@link Estimator} SPI): how it ended and
 * why, where, and how much work it took. The host ({@link org.lmm4j.optimise.Fitting}) adds the start, the timing,
 * the shared finishing step and the settings, and assembles the {@link FitResult}.
 *
 * @param status      how the run ended
 * @param reason      one line on why it ended that way (empty when it simply converged)
 * @param theta       the final (or best) θ
 * @param iterations  the algorithm's own iterations
 * @param evaluations passes over the data (criterion, gradient, E-step, ...) the run made
 * @param trace       one record per iteration
 * @param warnings    sentences the user should read
 */
public record EstimatorRun(FitStatus status, String reason, double[] theta, int iterations, long evaluations,
                           List<IterationRecord> trace, List<String> warnings) {

    public EstimatorRun {
        reason = reason == null ? "" : reason;
        theta = theta.clone();
        trace = List.copyOf(trace);
        warnings = List.copyOf(warnings);
    }

    /** A run that could not start or broke down, with its reason. */
    public static EstimatorRun failed(String reason, double[] theta) {
        return new EstimatorRun(FitStatus.FAILED, reason, theta, 0, 0, List.of(), List.of());
    }
}
