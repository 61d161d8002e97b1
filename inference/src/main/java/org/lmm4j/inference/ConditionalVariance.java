package org.lmm4j.inference;

import java.util.List;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.GroupBlock;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.model.Group;

/**
 * The conditional covariance of each group's random effects given the data at the fit,
 * Var(b_i | y_i) = Ω − ΩZ_i'V_i⁻¹Z_iΩ = (Z_i'Σ_i⁻¹Z_i + Ω⁻¹)⁻¹ (lme4's {@code ranef(m, condVar = TRUE)}, β at β̂):
 * the width of the caterpillar plot's intervals.
 */
public final class ConditionalVariance {

    private ConditionalVariance() {
    }

    /** Var(b_i | y_i), q×q, for every group in the model's order (empty without random effects). */
    public static double[][][] of(MixedModel model, FitResult fit) {
        if (model.crossed() != null) {
            throw new org.lmm4j.api.InputException("conditional variances of the random effects are not available yet "
                    + "for crossed random terms (one group of all rows, no BLUPs by group)");
        }
        int q = model.data().q();
        List<Group> groups = model.data().groups();
        double[][][] out = new double[q == 0 ? 0 : groups.size()][][];
        if (q == 0) {
            return out;
        }
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        CovarianceMatrices c = deviance.covariances(fit.theta());
        double[][] omega = c.omega();
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            GroupBlock b = deviance.block(g, c);
            int m = g.size();
            // W = Z_iΩ (m×q), then V_i⁻¹W
            double[] w = new double[m * q];
            for (int r = 0; r < m; r++) {
                for (int a = 0; a < q; a++) {
                    double s = 0;
                    for (int k = 0; k < q; k++) {
                        s += g.z()[r * q + k] * omega[k][a];
                    }
                    w[r * q + a] = s;
                }
            }
            double[] vw = w.clone();
            b.solve(vw, q);
            double[][] v = new double[q][q];
            for (int a = 0; a < q; a++) {
                for (int d = 0; d < q; d++) {
                    double s = 0;
                    for (int r = 0; r < m; r++) {
                        s += w[r * q + a] * vw[r * q + d];
                    }
                    v[a][d] = omega[a][d] - s;
                }
            }
            out[i] = v;
        }
        return out;
    }
}
