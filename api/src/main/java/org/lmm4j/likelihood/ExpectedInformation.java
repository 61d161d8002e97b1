package org.lmm4j.likelihood;

/**
 * The expected second derivative of the deviance with β held fixed,
 * I_kl(θ) = E ∂²Δ(β,θ)/∂θ_k∂θ_l = Σ_i tr(V_i⁻¹ ∂V_i/∂θ_k V_i⁻¹ ∂V_i/∂θ_l), with
 * ∂V_i/∂θ_k = (∂Σ/∂θ_k)[t_i,t_i] for a Σ parameter and Z_i (∂Ω/∂θ_k) Z_i' for an Ω parameter.
 * For REML the fixed-β objective is Δ(β,θ) + log det A(θ), A = Σ X_i'V_i⁻¹X_i, and at β = β̂(θ) (residuals with
 * covariance V − XA⁻¹X') its expected Hessian is Σ_i tr(V_i⁻¹V_ikV_i⁻¹V_il) − tr(A⁻¹M_kA⁻¹M_l) with
 * M_k = Σ_i X_i'V_i⁻¹V_ikV_i⁻¹X_i (for structures linear in θ): the REML terms of the two parts cancel but one.
 * Both are positive semi-definite for every admissible θ (the ML one is a Gram matrix; A^{-1/2}M_cA^{-1/2} is a
 * compression of V^{-1/2}V_cV^{-1/2}, so its squared norm is the smaller), which makes them the metric of
 * the Fisher-scoring θ-step (Jennrich and Schluchter's scoring, Lindstrom and Bates [1]).
 *
 * <p>The terms are T1 and C_k of {@link SecondOrderSums}, shared with the Hessian and summed along the model's
 * {@link CriterionPath}; this class is the entry point for callers that want the information alone.
 */
public final class ExpectedInformation {

    private ExpectedInformation() {
    }

    /**
     * I(θ) as a K×K row-major array (K = length of θ), or null when θ is inadmissible or some V_i is not positive
     * definite. A non-null {@code covBeta} selects the REML information, null the ML one; A⁻¹ itself is taken from
     * the profile at θ in working coordinates ({@link ProfiledDeviance#expectedInformation}), so the argument is
     * expected to be that profile's {@code covBeta()}.
     */
    public static double[] compute(ProfiledDeviance deviance, double[] theta, double[][] covBeta) {
        return deviance.information(theta, covBeta != null && deviance.model().data().p() > 0);
    }
}
