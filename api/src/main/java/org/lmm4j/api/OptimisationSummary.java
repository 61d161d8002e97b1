package org.lmm4j.api;

import java.util.List;

/**
 * How a fit got where it is (the MixedModels.jl habit): where it started and ended, how it ended and why, and how
 * much work it took, with the estimator's own iterations and the shared finishing step counted apart.
 * Built by the host ({@link org.lmm4j.optimise.Fitting}); {@link org.lmm4j.likelihood.FitAssembler} turns it into a
 * {@link FitResult}.
 *
 * @param estimator         the estimator's name
 * @param status            how the run ended
 * @param reason            one line on why it ended that way (empty when it simply converged)
 * @param thetaStart        the starting θ of the run kept
 * @param theta             the final (or best) θ
 * @param iterations        the estimator's own iterations
 * @param finishIterations  iterations of the shared finishing step ({@link Finish}), 0 without one
 * @param evaluations       passes over the data, over every start and the finish
 * @param elapsedNanos      wall time of the fit
 * @param trace             one record per iteration, each labelled with its phase
 * @param warnings          sentences the user should read (e.g. "Ω was held at the boundary")
 * @param starts            start points tried (multi-start)
 * @param settings          the options the fit ran with (provenance)
 */
public record OptimisationSummary(String estimator, FitStatus status, String reason, double[] thetaStart, double[] theta,
                                  int iterations, int finishIterations, long evaluations, long elapsedNanos,
                                  List<IterationRecord> trace, List<String> warnings, int starts, FitOptions settings) {

    public OptimisationSummary {
        trace = List.copyOf(trace);
        warnings = List.copyOf(warnings);
        reason = reason == null ? "" : reason;
        thetaStart = thetaStart.clone();
        theta = theta.clone();
    }

    /** All iterations, the estimator's and the finish's. */
    public int totalIterations() {
        return iterations + finishIterations;
    }
}
