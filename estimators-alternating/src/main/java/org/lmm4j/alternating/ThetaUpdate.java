package org.lmm4j.alternating;

/**
 * The outcome of one θ-step at fixed β.
 *
 * @param theta        the new θ (when {@code unbounded} is set: the last admissible point seen)
 * @param objective    F(β, θ) at the new θ
 * @param innerSteps   inner scoring steps taken (1 for the closed form)
 * @param gradientNorm ‖∂F/∂θ‖ at the start of the step, which by the envelope theorem is the norm of the
 *                     criterion's gradient at the current θ; NaN when the step did not compute it
 * @param unbounded    null, or one line saying which covariance matrix degenerates while F falls without bound
 */
record ThetaUpdate(double[] theta, double objective, int innerSteps, double gradientNorm, String unbounded) {
}
