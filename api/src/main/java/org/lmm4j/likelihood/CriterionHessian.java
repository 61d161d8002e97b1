package org.lmm4j.likelihood;

/**
 * The Hessian of the criterion (Δ_p for ML, Δ_R for REML) with respect to θ at one point, with the
 * worst conditioning among the groups' V_i, which Newton uses to recognise an unbounded likelihood.
 *
 * @param hessian            ∂²criterion/∂θ_k∂θ_l, symmetric
 * @param worstConditioning  min over groups and rows j of 1/((V_i⁻¹)_jj (V_i)_jj) = 1 − R² of observation j on
 *                           the rest of its group: in (0, 1], → 0 as V_i degenerates (0 when some V_i is not
 *                           positive definite, 1 without groups)
 * @param worstGroup         the id of the group attaining it (null without groups)
 * @param covarianceDerivatives ∂C/∂θ_k of the fixed effects' covariance C(θ) = (Σ X_i'V_i⁻¹X_i)⁻¹, each p×p in the
 *                           model's coordinates, when they were asked for ({@link ProfiledDeviance#hessianAndCovarianceDerivatives});
 *                           else null
 */
public record CriterionHessian(double[][] hessian, double worstConditioning, String worstGroup,
                               double[][][] covarianceDerivatives) {

    /** Without the covariance derivatives. */
    public CriterionHessian(double[][] hessian, double worstConditioning, String worstGroup) {
        this(hessian, worstConditioning, worstGroup, null);
    }
}
