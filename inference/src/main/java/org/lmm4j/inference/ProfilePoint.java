package org.lmm4j.inference;

/**
 * One point of a profile trace: a value of the parameter held fixed and the signed square root of the deviance
 * rise there, ζ = sign(v − v̂) √(Δ(v) − Δ̂) (lme4's {@code profile}); ζ = ±z_{(1+level)/2} at the interval ends.
 */
public record ProfilePoint(double value, double zeta) {
}
