package org.lmm4j.optimise;

/**
 * A function minimised by the shared {@link SecondOrderStep}: its value at a point, +∞ where the point is not
 * admissible (a covariance matrix that is not positive definite, say).
 */
@FunctionalInterface
public interface SmoothObjective {

    /**
     * f(x), or +∞ where x is inadmissible. {@code fullStep} marks the first trial of a line search, which is
     * usually accepted, so that an implementation may compute the derivatives there in the same pass.
     */
    double value(double[] x, boolean fullStep);
}
