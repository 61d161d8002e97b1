package org.lmm4j.em;

import org.lmm4j.likelihood.Gradient;

/**
 * The E-step of EM at one θ: the expected complete-data scatter matrices given the data.
 *
 * <ul>
 *   <li>{@code omega} = Σ_i E(b_ib_i' | y) (q×q), a sum over {@code omegaCount} = n groups;</li>
 *   <li>{@code sigma} = Σ_i E(e_ie_i' | y) over all T occasions of every group (T×T, Jennrich–Schluchter:
 *       the unobserved occasions are filled in from Σ's cross-covariances), a sum over n groups; or, when
 *       {@code sigmaObservedOnly} (scalar Σ), the 1×1 matrix Σ_i E(e_i'e_i | y) over the N observed rows.</li>
 * </ul>
 *
 * @param gradient the criterion's gradient at θ, from which the scatters were formed (it carries β̂ and the criterion)
 */
record ExpectedScatter(double[][] sigma, double sigmaCount, boolean sigmaObservedOnly, double[][] omega,
                       double omegaCount, Gradient gradient) {

    /** The criterion (Δ_p or Δ_R) at the θ of this E-step. */
    double criterion() {
        return gradient.criterion();
    }
}
