package org.lmm4j.app.bench;

/**
 * One line of {@code lmm4j bench}: one estimator fitted R times to one simulated data set of the
 * random intercept and slope model (Σ = σ²I, Ω free, ML), with the median wall time of the fits
 * (data generation and model building excluded).
 *
 * @param estimator      the estimator's name
 * @param subjects       n, the number of subjects
 * @param occasions      M, the occasions per subject
 * @param rows           N, the number of observations
 * @param repeats        R, the number of timed fits (after one untimed warm-up fit)
 * @param medianMillis   median wall time of the R fits, in milliseconds
 * @param minMillis      fastest of the R fits, in milliseconds
 * @param iterations     iterations of the last fit
 * @param evaluations    criterion evaluations of the last fit
 * @param deviance       the criterion of the last fit, Δ_p (the paper's deviance, constant dropped; {@code deviance} of {@code fit --format json})
 * @param minus2LogLik   −2 log L of the last fit, Δ_p + N log 2π (lme4's {@code deviance()})
 * @param status         status of the last fit (CONVERGED, ...), or FAILED when the estimator threw
 * @param reason         the estimator's reason when it did not converge (empty otherwise)
 * @param peakHeapBytes  peak heap in use during the timed fits: the largest, over the fits, of the sum of the heap pools' peaks
 * @param rowsPerSecond  N divided by the median time
 */
public record BenchRow(String estimator, int subjects, int occasions, long rows, int repeats, double medianMillis,
                       double minMillis, int iterations, long evaluations, double deviance, double minus2LogLik, String status,
                       String reason, long peakHeapBytes, double rowsPerSecond) {
}
