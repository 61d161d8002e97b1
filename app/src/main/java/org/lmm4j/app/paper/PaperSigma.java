package org.lmm4j.app.paper;

/**
 * The four rows of the paper's Table 1, the models for the dispersion: Σ "scalar" (σ²I), "diagonal"
 * (diag(σ₁²..σ₄²)) or "free" (unstructured) over the four ages, and "random", the random-coefficient
 * model V = XΩX' + σ²I with a random intercept and slope per child, Ω free and Σ scalar.
 */
public enum PaperSigma {
    /** Σ = σ²I. */
    SCALAR("scalar", "scalar", false),
    /** Σ = diag(σ₁², ..., σ₄²). */
    DIAGONAL("diagonal", "diagonal", false),
    /** Σ unstructured (10 parameters). */
    FREE("free", "free", false),
    /** Random intercept and slope {@code (age | Subject)}, Ω free, Σ = σ²I. */
    RANDOM("random", "scalar", true);

    /** The random term added to the mean formula in the "random" row. */
    public static final String RANDOM_TERM = "(age | Subject)";

    private final String label;
    private final String residual;
    private final boolean random;

    PaperSigma(String label, String residual, boolean random) {
        this.label = label;
        this.residual = residual;
        this.random = random;
    }

    /** The row heading of Table 1. */
    public String label() {
        return label;
    }

    /** Name of the residual covariance structure (a {@link org.lmm4j.api.CovarianceStructure}). */
    public String residual() {
        return residual;
    }

    /** True for the random-coefficient row. */
    public boolean random() {
        return random;
    }

    /** The full formula of the cell (mean, this row). */
    public String formula(PaperMean mean) {
        return random ? mean.formula() + " + " + RANDOM_TERM : mean.formula();
    }
}
