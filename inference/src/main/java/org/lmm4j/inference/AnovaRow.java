package org.lmm4j.inference;

/**
 * One model of a likelihood-ratio table, as lme4's {@code anova(m0, m1)} prints it (DESIGN §3's {@code anova}).
 * The test fields compare the model with the one before it (smaller npar) and are NaN for the first.
 *
 * @param label     the model's description (its formula, and Σ's structure when they differ)
 * @param npar      parameters: fixed effects plus covariance parameters
 * @param aic       −2 log L + 2 npar (ML)
 * @param bic       −2 log L + npar log N
 * @param logLik    the ML log-likelihood
 * @param deviance  −2 log L (lme4's deviance of an ML fit)
 * @param chisq     the likelihood-ratio statistic against the previous model, −2 log L_prev − (−2 log L)
 * @param df        npar − npar_prev
 * @param p         P(χ²_df &gt; chisq)
 */
public record AnovaRow(String label, int npar, double aic, double bic, double logLik, double deviance, double chisq,
                       double df, double p) {
}
