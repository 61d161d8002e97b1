package org.lmm4j.em;

import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The E-step of Laird–Ware EM with missing occasions as missing data (Jennrich–Schluchter).
 *
 * <p>Complete data for group i are (b_i, e_i), e_i over all T occasions; y_i = X_iβ + Z_ib_i + P_ie_i with
 * P_i selecting the occasions t_i. Given y_i (and β̂), with r_i = y_i − X_iβ̂ and u_i = V_i⁻¹r_i:
 * <pre>
 *   E(b_i|y) = ΩZ_i'u_i,            Var(b_i|y) = Ω − ΩZ_i'V_i⁻¹Z_iΩ
 *   E(e_i|y) = Σ[·,t_i]u_i,         Var(e_i|y) = Σ − Σ[·,t_i]V_i⁻¹Σ[t_i,·]
 * </pre>
 * so E(b_ib_i'|y) = Ω − ΩZ_i'M_iZ_iΩ and E(e_ie_i'|y) = Σ − ΣP_i'M_iP_iΣ with M_i = V_i⁻¹ − u_iu_i'.
 * Summed over the groups, Σ_i Z_i'M_iZ_i and Σ_i P_i'M_iP_i are exactly the matrix gradients G_Ω and G_Σ of
 * the deviance, which {@link ProfiledDeviance#gradient} accumulates group by group on the factored
 * {@link org.lmm4j.likelihood.GroupBlock}s. Hence the scatters
 * <pre>
 *   Σ_i E(b_ib_i'|y) = nΩ − ΩG_ΩΩ,     Σ_i E(e_ie_i'|y) = nΣ − ΣG_ΣΣ.
 * </pre>
 *
 * <p>REML (Laird, Lange &amp; Stram 1987): β is treated as random with a flat prior, so it joins the
 * missing data; its posterior is N(β̂, A⁻¹), A = Σ X_i'V_i⁻¹X_i, and both conditional variances gain
 * the term from Var(β̂): Var(b_i|y) += ΩZ_i'V_i⁻¹X_iA⁻¹X_i'V_i⁻¹Z_iΩ (likewise for e_i). That is
 * M_i −= V_i⁻¹X_iA⁻¹X_i'V_i⁻¹, which is precisely the REML gradient's extra term, so the same identity
 * holds with the REML G. EM on this complete data increases the restricted likelihood: Δ_R never rises.
 *
 * <p>For a scalar Σ = σ²I the complete residual data are the observed rows only (Laird–Ware), and the
 * scatter is the number Σ_i E(e_i'e_i|y) = Nσ² − σ⁴ tr G_Σ over N observations.
 */
final class EStep {

    private EStep() {
    }

    /** The expected scatters at θ, or null when θ is inadmissible (some V_i or Σ not positive definite). */
    static ExpectedScatter at(ProfiledDeviance deviance, double[] theta) {
        Gradient g = deviance.gradient(theta);
        if (g == null || !Double.isFinite(g.criterion())) {
            return null;
        }
        MixedModel model = deviance.model();
        int n = model.data().groupCount();
        CovarianceMatrices c = deviance.covariances(theta);
        double[][] sigmaScatter;
        double sigmaCount;
        boolean observedOnly = model.residual().isScalar();
        if (observedOnly) {
            int nObs = model.data().observations();
            double s2 = c.sigma()[0][0];
            double trace = 0;
            double[][] gs = g.sigmaGradient();
            for (int k = 0; k < gs.length; k++) {
                trace += gs[k][k];
            }
            sigmaScatter = new double[][] {{nObs * s2 - s2 * s2 * trace}};
            sigmaCount = nObs;
        } else {
            sigmaScatter = scatter(c.sigma(), g.sigmaGradient(), n);
            sigmaCount = n;
        }
        double[][] omegaScatter = c.omega().length == 0 ? new double[0][0] : scatter(c.omega(), g.omegaGradient(), n);
        return new ExpectedScatter(sigmaScatter, sigmaCount, observedOnly, omegaScatter, n, g);
    }

    /** nS − S G S, symmetrised. */
    static double[][] scatter(double[][] s, double[][] g, int n) {
        int d = s.length;
        double[][] sg = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                double sik = s[i][k];
                if (sik == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    sg[i][j] += sik * g[k][j];
                }
            }
        }
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sgs = 0;
                for (int k = 0; k < d; k++) {
                    sgs += sg[i][k] * s[k][j];
                }
                double v = n * s[i][j] - sgs;
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return out;
    }
}
