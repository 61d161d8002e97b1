package org.lmm4j.likelihood;

/**
 * Σ (T×T, over the occasions) and Ω (q×q, over the random effects; 0×0 without random effects)
 * at one value of θ.
 */
public record CovarianceMatrices(double[][] sigma, double[][] omega) implements java.io.Serializable {
}
