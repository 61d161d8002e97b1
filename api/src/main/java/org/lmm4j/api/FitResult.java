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
 * @param termEffects       for crossed terms on the blocked path, the BLUPs by term (in the formula's order) and level
 *                          ({@code levels × q_k} each, lme4's {@code ranef}); empty otherwise
 */
public record FitResult(FitStatus status, String reason, Method method, String estimator, double criterion,
                        double minus2LogLik, double logLik, double aic, double bic, int parameters, int observations,
                        int groups, List<String> fixedNames, double[] fixedEffects, double[] standardErrors,
                        double[][] covFixedEffects, List<String> occasionLabels, double[][] sigma,
                        List<String> randomNames, double[][] omega, List<String> groupIds, double[][] randomEffects,
                        double[] theta, boolean singular, List<String> warnings, OptimisationSummary summary,
                        Map<String, String> provenance, List<double[][]> termEffects) {

    /** A result whose BLUPs are by group ({@link #randomEffects}), none by term and level. */
    public FitResult(FitStatus status, String reason, Method method, String estimator, double criterion,
                     double minus2LogLik, double logLik, double aic, double bic, int parameters, int observations,
                     int groups, List<String> fixedNames, double[] fixedEffects, double[] standardErrors,
                     double[][] covFixedEffects, List<String> occasionLabels, double[][] sigma,
                     List<String> randomNames, double[][] omega, List<String> groupIds, double[][] randomEffects,
                     double[] theta, boolean singular, List<String> warnings, OptimisationSummary summary,
                     Map<String, String> provenance) {
        this(status, reason, method, estimator, criterion, minus2LogLik, logLik, aic, bic, parameters, observations,
                groups, fixedNames, fixedEffects, standardErrors, covFixedEffects, occasionLabels, sigma, randomNames,
                omega, groupIds, randomEffects, theta, singular, warnings, summary, provenance, List.of());
    }

    public FitResult {
        termEffects = termEffects == null ? List.of() : termEffects.stream().map(FitResult::copy).toList();
        warnings = List.copyOf(warnings);
        provenance = Map.copyOf(provenance);
        fixedNames = List.copyOf(fixedNames);
        occasionLabels = List.copyOf(occasionLabels);
        randomNames = List.copyOf(randomNames);
        groupIds = List.copyOf(groupIds);
        fixedEffects = fixedEffects.clone();
        standardErrors = standardErrors.clone();
        covFixedEffects = copy(covFixedEffects);
        sigma = copy(sigma);
        omega = copy(omega);
        randomEffects = copy(randomEffects);
        theta = theta.clone();
    }

    // a result is a value: every array goes out as a copy, so a caller cannot change it in place

    /** β̂ (a copy). */
    @Override
    public double[] fixedEffects() {
        return fixedEffects.clone();
    }

    /** Standard errors of β̂ (a copy). */
    @Override
    public double[] standardErrors() {
        return standardErrors.clone();
    }

    /** (Σ X_i'V_i⁻¹X_i)⁻¹ (a copy). */
    @Override
    public double[][] covFixedEffects() {
        return copy(covFixedEffects);
    }

    /** Σ̂ (a copy). */
    @Override
    public double[][] sigma() {
        return copy(sigma);
    }

    /** Ω̂ (a copy), or null without random effects. */
    @Override
    public double[][] omega() {
        return copy(omega);
    }

    /** BLUPs per group (a copy). */
    @Override
    public double[][] randomEffects() {
        return copy(randomEffects);
    }

    /** The BLUPs by term and level (copies); empty unless the model has crossed terms on the blocked path. */
    @Override
    public List<double[][]> termEffects() {
        return termEffects.stream().map(FitResult::copy).toList();
    }

    /** θ̂ (a copy). */
    @Override
    public double[] theta() {
        return theta.clone();
    }

    private static double[][] copy(double[][] a) {
        if (a == null) {
            return null;
        }
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == null ? null : a[i].clone();
        }
        return out;
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
