package org.lmm4j.api;

/** Maximum likelihood, or restricted (residual) maximum likelihood (docs/DESIGN.md §1). */
public enum Method {
    /** Minimise the profiled deviance Δ_p(θ). */
    ML,
    /** Minimise Δ_R(θ) = Δ_p(θ) + log det(Σ X_i'V_i⁻¹X_i). */
    REML
}
