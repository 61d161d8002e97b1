package org.lmm4j.api;

/**
 * What the host runs after an estimator's own iterations (docs/DESIGN.md, "Estimators"): nothing, or Newton–Raphson
 * on the profiled criterion from the estimator's final point, as nlme finishes its EM iterations with Newton.
 * The finishing iterations are counted and labelled apart from the estimator's own in the result, the trace and
 * {@code compare}.
 */
public enum Finish {
    /** The estimator's own iterations only: what the algorithm does by itself. */
    NONE,
    /** Newton–Raphson steps on the profiled criterion after the estimator stops (the default, as in nlme). */
    NEWTON
}
