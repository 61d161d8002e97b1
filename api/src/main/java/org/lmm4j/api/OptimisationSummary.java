package org.lmm4j.api;

import java.util.List;

/**
 * What an estimator reports about its own run (the MixedModels.jl habit): where it started and
 * ended, how it ended and why, and how much work it took. {@link org.lmm4j.likelihood.FitAssembler}
 * turns it into a {@link FitResult}; estimators never compute β̂, BLUPs or information criteria themselves.
 *
 * @param estimator    the estimator's name
 * @param status       how the run ended
 * @param reason       one line on why it ended that way (empty when it simply converged)
 * @param thetaStart   the starting θ
 * @param theta        the final (or best) θ
 * @param iterations   iterations done
 * @param evaluations  criterion evaluations done
 * @param elapsedNanos wall time of the run
 * @param trace        one record per iteration
 * @param warnings     sentences the user should read (e.g. "Ω was held at the boundary")
 * @param settings     the options the estimator ran with, as text (provenance)
 */
public record OptimisationSummary(String estimator, FitStatus status, String reason, double[] thetaStart, double[] theta,
                                  int iterations, long evaluations, long elapsedNanos, List<IterationRecord> trace,
                                  List<String> warnings, String settings) {

    public OptimisationSummary {
        trace = List.copyOf(trace);
        warnings = List.copyOf(warnings);
        reason = reason == null ? "" : reason;
    }
}
