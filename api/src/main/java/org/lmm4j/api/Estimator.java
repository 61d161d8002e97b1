package org.lmm4j.api;

/**
 * An algorithm that minimises the deviance of a {@link MixedModel} (DESIGN §2). Implementations
 * are stateless plug-ins discovered with {@link java.util.ServiceLoader}; they receive the model
 * (data, Σ and Ω structures, ML or REML), build its {@link org.lmm4j.likelihood.ProfiledDeviance}
 * once and never re-derive the likelihood themselves.
 */
public interface Estimator {

    /** Short name used on the command line, e.g. {@code newton}. */
    String name();

    /** One-line description for {@code lmm4j list}. */
    String description();

    /**
     * Fits the model. Never throws for numerical trouble: non-convergence, an unbounded
     * likelihood or a failure are reported through {@link FitResult#status()}.
     */
    FitResult fit(MixedModel model, FitOptions options);
}
