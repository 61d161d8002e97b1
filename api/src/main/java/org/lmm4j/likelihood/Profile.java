package org.lmm4j.likelihood;

/**
 * The likelihood profiled over β at one θ (docs/DESIGN.md §1):
 * β̂(θ) = (Σ X_i'V_i⁻¹X_i)⁻¹ Σ X_i'V_i⁻¹y_i, and the pieces of the criteria.
 *
 * @param admissible     false when some V_i (or Σ X_i'V_i⁻¹X_i) is not positive definite; then nothing else is meaningful
 * @param beta           β̂(θ), the generalised least squares estimate
 * @param covBeta        (Σ X_i'V_i⁻¹X_i)⁻¹, the covariance of β̂
 * @param logDetV        Σ_i log det V_i
 * @param weightedRss    Σ_i r_i'V_i⁻¹r_i with r_i = y_i − X_iβ̂
 * @param logDetXtVinvX  log det(Σ X_i'V_i⁻¹X_i), REML's extra term
 */
public record Profile(boolean admissible, double[] beta, double[][] covBeta, double logDetV, double weightedRss,
                     double logDetXtVinvX) {

    /** The profile of an inadmissible θ. */
    static Profile inadmissible() {
        return new Profile(false, null, null, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Profiled ML deviance Δ_p(θ) = Σ log det V_i + Σ r_i'V_i⁻¹r_i; +∞ when inadmissible. */
    public double devianceMl() {
        return admissible ? logDetV + weightedRss : Double.POSITIVE_INFINITY;
    }

    /** REML criterion Δ_R(θ) = Δ_p(θ) + log det(Σ X_i'V_i⁻¹X_i); +∞ when inadmissible. */
    public double devianceReml() {
        return admissible ? logDetV + weightedRss + logDetXtVinvX : Double.POSITIVE_INFINITY;
    }
}
