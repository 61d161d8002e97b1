package org.lmm4j.api;

/** How a fit ended (docs/DESIGN.md §3). */
public enum FitStatus {
    /** The convergence criterion was met at an admissible point. */
    CONVERGED,
    /** The likelihood has no maximum: the deviance falls without bound as a covariance matrix degenerates. */
    UNBOUNDED,
    /** The iteration limit was reached; the result holds the best point found. */
    NOT_CONVERGED,
    /** The computation broke down (e.g. no admissible start); the reason says why. */
    FAILED
}
