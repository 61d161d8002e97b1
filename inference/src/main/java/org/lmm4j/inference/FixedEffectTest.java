package org.lmm4j.inference;

/**
 * The t test of one fixed effect, H₀: β_j = 0 (lmerTest's {@code summary()} row; DESIGN §3's {@code fixedEffectTests}).
 *
 * @param name      the column of X
 * @param estimate  β̂_j
 * @param se        √Var(β̂_j), Var(β̂) = (Σ X_i'V_i⁻¹X_i)⁻¹ at θ̂
 * @param df        the denominator degrees of freedom (Satterthwaite), NaN when they cannot be computed
 * @param t         β̂_j / se
 * @param p         2 P(T_df &gt; |t|), NaN with df
 */
public record FixedEffectTest(String name, double estimate, double se, double df, double t, double p) {
}
