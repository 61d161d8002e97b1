package org.lmm4j.api;

import java.util.List;
import java.util.Map;

/**
 * The result of fitting a {@link MixedModel}: everything docs/DESIGN.md §3's JSON carries, and the
 * provenance needed to reproduce it (the Tribuo habit). Built only by
 * {@link org.lmm4j.likelihood.FitAssembler}, so every estimator reports the same quantities the same way.
 *
 * <p>For an UNBOUNDED fit {@code criterion} is −∞ and the estimates are those of the last point seen.
 *
 * @param criterion         Δ_p (ML) or Δ_R (REML) at the fit, the paper's deviance with constants dropped
 * @param minus2LogLik      criterion + N log 2π (ML) or + (N − p) log 2π (REML)
 * @param parameters        p + length of θ (Table 1's counts)
 * @param fixedEffects      β̂, in the order of {@code fixedNames}
 * @param standardErrors    square roots of the diagonal of (Σ X_i'V_i⁻¹X_i)⁻¹
 * @param sigma             Σ̂ (T×T)
 * @param omega             Ω̂ (q×q), or null without random effects
 * @param randomEffects     BLUPs b̂_i per group, in group order (empty without random effects)
 * @param singular          true for a boundary fit (a variance at zero or a correlation at ±1)
 * @param summary           the estimator's own report (status, iterations, trace, ...)
 * @param provenance        data fingerprint, structures, method, estimator settings, lmm4j version
 */
public record FitResult(FitStatus status, String reason, Method method, String estimator, double criterion,
                        double minus2LogLik, double logLik, double aic, double bic, int parameters, int observations,
                        int groups, List<String> fixedNames, double[] fixedEffects, double[] standardErrors,
                        double[][] covFixedEffects, List<String> occasionLabels, double[][] sigma,
                        List<String> randomNames, double[][] omega, List<String> groupIds, double[][] randomEffects,
                        double[] theta, boolean singular, List<String> warnings, OptimisationSummary summary,
                        Map<String, String> provenance) {

    public FitResult {
        warnings = List.copyOf(warnings);
        provenance = Map.copyOf(provenance);
    }

    /** Iterations the estimator's own algorithm took. */
    public int iterations() {
        return summary.iterations();
    }

    /** Iterations of the shared finishing step after the estimator's own (0 without one). */
    public int finishIterations() {
        return summary.finishIterations();
    }

    /** Criterion evaluations the estimator made. */
    public long evaluations() {
        return summary.evaluations();
    }

    /** Wall time of the fit in milliseconds. */
    public double elapsedMillis() {
        return summary.elapsedNanos() / 1e6;
    }

    /** The deviance trace, one record per iteration. */
    public List<IterationRecord> trace() {
        return summary.trace();
    }
}
