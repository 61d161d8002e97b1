package org.lmm4j.api;

/**
 * One line of an estimator's trace: the criterion (Δ_p for ML, Δ_R for REML) after the iteration,
 * the norm of its gradient where the estimator knows it (NaN otherwise), the step length taken and
 * the number of criterion evaluations so far.
 */
public record IterationRecord(int iteration, double criterion, double gradientNorm, double stepLength, long evaluations) {
}
