package org.lmm4j.likelihood;

/**
 * How the criterion's group sums are computed, chosen once per model by {@link ProfiledDeviance}: the value
 * (through the normal equations), the gradient (through the matrix gradients), the second-order sums of the
 * Hessian and the expected information, the full deviance at a given β and the BLUPs. Two implementations:
 * {@link BlockPath}, group by group through the factored V_i (any Σ), and {@link SufficientStatistics}, from
 * sufficient statistics reduced once (Σ = σ²I), which hands a group to the block path by one rule for every
 * quantity (see there), so that value, gradient, Hessian and information at a θ come from the same
 * algorithm. Everything is in the working coordinates of {@link WorkingDesign}.
 */
public interface CriterionPath {

    /**
     * The path for groups in working coordinates: the sufficient statistics when {@code sufficientStatistics}
     * (Σ = σ²I and occasions), else the block path. The one rule, used for a whole model and for a part of its
     * groups alike (a partition of a distributed data set sums the same quantities over its own groups).
     */
    static CriterionPath forGroups(java.util.List<org.lmm4j.model.Group> workingGroups, int p, int q,
                                   boolean sufficientStatistics) {
        return sufficientStatistics
                ? new SufficientStatistics(new ReducedGroups(workingGroups, p, q))
                : new BlockPath(workingGroups, p, q);
    }

    /** The number of groups the sums run over. */
    int groupCount();

    /** The label of group {@code index} (for messages: the group whose V_i is worst conditioned). */
    String groupId(int index);

    /** The labels of all groups, in order. */
    default java.util.List<String> groupIds() {
        java.util.List<String> out = new java.util.ArrayList<>(groupCount());
        for (int i = 0; i < groupCount(); i++) {
            out.add(groupId(i));
        }
        return out;
    }

    /** Σ X_i'V_i⁻¹X_i, Σ X_i'V_i⁻¹y_i, Σ y_i'V_i⁻¹y_i and Σ log det V_i (inadmissible if some V_i is not PD). */
    NormalEquations normal(CovarianceMatrices c);

    /** Δ(β, θ) = Σ_i [log det V_i + r_i'V_i⁻¹r_i]; +∞ when some V_i is not positive definite. */
    double deviance(CovarianceMatrices c, double[] beta);

    /** G_Σ (Σ-shaped) and G_Ω at β; {@code covBetaForReml} = A⁻¹ adds REML's term, null for ML. */
    MatrixGradient gradient(CovarianceMatrices c, double[] beta, double[][] covBetaForReml);

    /** The group sums of the Hessian and the expected information at a point. */
    SecondOrderSums secondOrder(Point point);

    /** b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ) per group, NaN rows for a group whose V_i is not positive definite. */
    double[][] blups(CovarianceMatrices c, double[] beta);

    /**
     * A point of the second-order sums: Σ, Ω, their derivatives ∂Σ/∂θ_k (Σ-shaped) and ∂Ω/∂θ_k, β, A⁻¹
     * (p×p row-major), the method ({@code reml}: REML's terms J and C_k are summed) and whether C_k is wanted
     * without REML ({@code covariance}: for the derivatives of A⁻¹ of an ML fit).
     */
    record Point(CovarianceMatrices c, double[][][] dSigma, double[][][] dOmega, double[] beta, double[] aInv,
                 boolean reml, boolean covariance, int p, int q) implements java.io.Serializable {

        /** Whether the sums C_k are taken (for REML, or asked for). */
        boolean covarianceTerms() {
            return reml || covariance;
        }
    }
}
