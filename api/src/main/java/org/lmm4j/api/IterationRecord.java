package org.lmm4j.api;

/**
 * One line of an estimator's trace: the criterion (Δ_p for ML, Δ_R for REML) after the iteration,
 * the norm of its gradient where the estimator knows it (NaN otherwise), the step length taken, the number of
 * criterion evaluations so far, and the phase it belongs to: the estimator's own name for its own iterations,
 * {@code newton-finish} for the shared finishing step (see {@link Finish}).
 */
public record IterationRecord(int iteration, double criterion, double gradientNorm, double stepLength, long evaluations,
                              String phase) {

    public IterationRecord {
        phase = phase == null ? "" : phase;
    }

    /** A record whose phase the host fills in. */
    public IterationRecord(int iteration, double criterion, double gradientNorm, double stepLength, long evaluations) {
        this(iteration, criterion, gradientNorm, stepLength, evaluations, "");
    }

    /** The same record in another phase, renumbered and with its evaluations counted from {@code evaluationsBefore}. */
    public IterationRecord relabel(String newPhase, int newIteration, long evaluationsBefore) {
        return new IterationRecord(newIteration, criterion, gradientNorm, stepLength, evaluationsBefore + evaluations,
                newPhase);
    }
}
