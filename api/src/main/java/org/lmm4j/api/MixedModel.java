package org.lmm4j.api;

import org.lmm4j.model.CrossedTerms;
import org.lmm4j.model.ModelData;

/**
 * A model ready to fit: the data, the structure of the residual covariance Σ (over the T
 * occasions), the structure of the random-effects covariance Ω (over the q random effects;
 * {@code null} when q = 0) and the criterion (ML or REML).
 *
 * <p>The covariance parameter vector θ is θ_Σ followed by θ_Ω.
 *
 * <p>{@code crossed} is null for a model of groups; for a model with large crossed random terms it holds them, and
 * {@code data} is their one-group view ({@link CrossedTerms#data}), Ω = blockdiag(Ω_1, …, Ω_K) and Σ = σ²I.
 */
public record MixedModel(ModelData data, CovarianceStructure residual, CovarianceStructure randomEffects, Method method,
                         CrossedTerms crossed) {

    /** A model of groups (no crossed terms). */
    public MixedModel(ModelData data, CovarianceStructure residual, CovarianceStructure randomEffects, Method method) {
        this(data, residual, randomEffects, method, null);
    }

    public MixedModel {
        if (crossed != null && !residual.isScalar()) {
            throw new InputException("crossed random terms are fitted with Σ = σ²I only, not with --residual "
                    + residual.name());
        }
        if (data.q() > 0 && randomEffects == null) {
            throw new IllegalArgumentException("a model with random effects needs an Ω structure");
        }
        if (data.q() == 0) {
            randomEffects = null;
        }
    }

    /** Length of θ_Σ. */
    public int sigmaParameterCount() {
        return residual.parameterCount(data.occasions());
    }

    /** Length of θ_Ω (0 without random effects). */
    public int omegaParameterCount() {
        return randomEffects == null ? 0 : randomEffects.parameterCount(data.q());
    }

    /** Length of θ. */
    public int thetaLength() {
        return sigmaParameterCount() + omegaParameterCount();
    }

    /** Number of free parameters: p fixed effects plus the covariance parameters (Table 1's counts). */
    public int parameterCount() {
        return data.p() + thetaLength();
    }

    /** The same model with another criterion. */
    public MixedModel withMethod(Method m) {
        return new MixedModel(data, residual, randomEffects, m, crossed);
    }
}
