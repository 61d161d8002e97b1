package org.lmm4j.alternating;

/**
 * The outcome of one θ-step at fixed β.
 *
 * @param theta           the new θ
 * @param objective       F(β, θ) at the new θ
 * @param innerSteps      inner scoring steps taken (1 for the closed form)
 * @param gradientNorm    ‖∂F/∂θ‖ at the start of the step, which by the envelope theorem is the norm of the
 *                        criterion's gradient at the current θ; NaN when the step did not compute it
 * @param fallsWithoutBound true when the step followed a path to a singular Σ along which F passed the decade test
 *                        of {@link org.lmm4j.optimise.Boundary#fallsWithoutBound}
 */
record ThetaUpdate(double[] theta, double objective, int innerSteps, double gradientNorm, boolean fallsWithoutBound) {

    ThetaUpdate(double[] theta, double objective, int innerSteps, double gradientNorm) {
        this(theta, objective, innerSteps, gradientNorm, false);
    }
}
