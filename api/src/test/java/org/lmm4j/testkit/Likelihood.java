package org.lmm4j.testkit;

import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The likelihood the invariants examine, as the functions of θ they need: the criterion (Δ_p for ML,
 * Δ_R for REML), the profile over β, the full deviance Δ(β, θ), the θ-gradient and the BLUPs. The
 * default is the library's {@link ProfiledDeviance}; a test that wants to see the invariants catch a
 * bug (or an author of another implementation of the deviance) supplies its own.
 */
public interface Likelihood {

    /** Δ_p(θ) (ML) or Δ_R(θ) (REML); +∞ when θ is inadmissible. */
    double criterion(double[] theta);

    /** β̂(θ) and the criterion's pieces. */
    Profile profile(double[] theta);

    /** The full ML deviance Δ(β, θ) = Σ_i [log det V_i + (y_i − X_iβ)'V_i⁻¹(y_i − X_iβ)]. */
    double deviance(double[] beta, double[] theta);

    /** The analytic gradient of the criterion with respect to θ, or null when θ is inadmissible. */
    double[] gradient(double[] theta);

    /** BLUPs b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ), one row per group. */
    double[][] blups(double[] theta, double[] beta);

    /** The library's likelihood of the model. */
    static Likelihood of(MixedModel model) {
        ProfiledDeviance pd = new ProfiledDeviance(model);
        return new Likelihood() {
            @Override
            public double criterion(double[] theta) {
                return pd.criterion(theta);
            }

            @Override
            public Profile profile(double[] theta) {
                return pd.profile(theta);
            }

            @Override
            public double deviance(double[] beta, double[] theta) {
                return pd.deviance(beta, theta);
            }

            @Override
            public double[] gradient(double[] theta) {
                Gradient g = pd.gradient(theta);
                return g == null ? null : g.theta();
            }

            @Override
            public double[][] blups(double[] theta, double[] beta) {
                return pd.blups(theta, beta);
            }
        };
    }
}
