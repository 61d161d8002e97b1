package org.lmm4j.likelihood;

/**
 * The gradient of the criterion (Δ_p for ML, Δ_R for REML) at θ, with the matrix gradients it
 * is made of: ∂/∂Σ (T×T) and ∂/∂Ω (q×q), so that ∂/∂θ_k = ⟨G_Σ, ∂Σ/∂θ_k⟩ + ⟨G_Ω, ∂Ω/∂θ_k⟩.
 *
 * @param profile        the profile at θ (β̂ and the criterion's pieces)
 * @param criterion      the criterion value at θ
 * @param theta          the gradient with respect to θ
 * @param sigmaGradient  G_Σ = Σ_i scatter of (V_i⁻¹ − u_iu_i' [− V_i⁻¹X_iA⁻¹X_i'V_i⁻¹ for REML]) into [t_i,t_i]
 * @param omegaGradient  G_Ω = Σ_i Z_i'(same matrix)Z_i
 */
public record Gradient(Profile profile, double criterion, double[] theta, double[][] sigmaGradient,
                       double[][] omegaGradient) {

    /** Euclidean norm of the θ-gradient. */
    public double norm() {
        double s = 0;
        for (double g : theta) {
            s += g * g;
        }
        return Math.sqrt(s);
    }
}
