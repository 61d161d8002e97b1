package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;

/**
 * The E-step's scatters equal the sums of the conditional moments computed directly, group by group, from
 * the joint normal distribution of (b_i, e_i over all T occasions, y_i): E(b|y) = ΩZ'V⁻¹r,
 * Var(b|y) = Ω − ΩZ'V⁻¹ZΩ, E(e|y) = Σ[·,t]V⁻¹r, Var(e|y) = Σ − Σ[·,t]V⁻¹Σ[t,·] (plus, for REML, the terms
 * from Var(β̂) = A⁻¹).
 */
class ExpectedScatterTest {

    @ParameterizedTest
    @EnumSource(Method.class)
    void scattersAreSumsOfConditionalMomentsWithMissingOccasions(Method method) {
        MixedModel model = RandomModels.model(11, 9, 4, 3, 2, 0.7, "free", "free", method);
        ProfiledDeviance dev = new ProfiledDeviance(model);
        double[] theta = dev.join(model.residual().parameters(new double[][] {
                {2.0, 0.5, 0.3, 0.1}, {0.5, 1.5, 0.4, 0.2}, {0.3, 0.4, 1.8, 0.6}, {0.1, 0.2, 0.6, 2.2}}),
                model.randomEffects().parameters(new double[][] {{1.2, -0.1}, {-0.1, 0.2}}));
        ExpectedScatter e = EStep.at(dev, theta);
        assertNotNull(e);
        CovarianceMatrices c = dev.covariances(theta);
        Profile pr = dev.profile(theta);
        double[][] sigmaSum = new double[4][4];
        double[][] omegaSum = new double[2][2];
        for (Group g : model.data().groups()) {
            addMoments(g, c, pr, method == Method.REML, 3, 2, sigmaSum, omegaSum);
        }
        assertMatrix(omegaSum, e.omega());
        assertMatrix(sigmaSum, e.sigma());
        assertEquals(9, e.sigmaCount());
        assertEquals(dev.criterion(theta), e.criterion(), 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void scalarSigmaUsesTheObservedRows(Method method) {
        MixedModel model = RandomModels.model(5, 7, 5, 2, 2, 0.6, "scalar", "free", method);
        ProfiledDeviance dev = new ProfiledDeviance(model);
        double[] theta = dev.join(new double[] {1.3}, model.randomEffects().parameters(new double[][] {{0.9, 0.1}, {0.1, 0.3}}));
        ExpectedScatter e = EStep.at(dev, theta);
        CovarianceMatrices c = dev.covariances(theta);
        Profile pr = dev.profile(theta);
        double[][] sigmaSum = new double[5][5];
        double[][] omegaSum = new double[2][2];
        for (Group g : model.data().groups()) {
            addMoments(g, c, pr, method == Method.REML, 2, 2, sigmaSum, omegaSum);
        }
        // the observed-rows scatter: only the observed occasions' E(e_j²|y), i.e. the direct sum minus σ² per missing cell
        double observed = 0;
        for (int t = 0; t < 5; t++) {
            observed += sigmaSum[t][t];
        }
        int missing = 7 * 5 - model.data().observations();
        observed -= missing * 1.3;
        assertEquals(observed, e.sigma()[0][0], 1e-9 * Math.abs(observed));
        assertEquals(model.data().observations(), e.sigmaCount());
        assertMatrix(omegaSum, e.omega());
    }

    /** Adds E(e_ie_i'|y) over all T occasions and E(b_ib_i'|y), computed from dense formulas. */
    private static void addMoments(Group g, CovarianceMatrices c, Profile pr, boolean reml, int p, int q,
                                   double[][] sigmaSum, double[][] omegaSum) {
        int m = g.size();
        int t = sigmaSum.length;
        double[][] sigma = c.sigma();
        if (sigma.length == 1 && t > 1) {
            // a scalar Σ is carried as the 1×1 [σ²] (ProfiledDeviance.covariances): σ²I over the T occasions
            sigma = new double[t][t];
            for (int k = 0; k < t; k++) {
                sigma[k][k] = c.sigma()[0][0];
            }
        }
        double[][] omega = c.omega();
        double[][] z = new double[m][q];
        double[][] x = new double[m][p];
        for (int j = 0; j < m; j++) {
            for (int a = 0; a < q; a++) {
                z[j][a] = g.z(j, a, q);
            }
            for (int a = 0; a < p; a++) {
                x[j][a] = g.x(j, a, p);
            }
        }
        // cross-covariances of the complete data with y: C = [Ω Z' ; Σ[·,t]] ((q+T)×m)
        double[][] cross = new double[q + t][m];
        for (int j = 0; j < m; j++) {
            for (int a = 0; a < q; a++) {
                double s = 0;
                for (int b = 0; b < q; b++) {
                    s += omega[a][b] * z[j][b];
                }
                cross[a][j] = s;
            }
            for (int k = 0; k < t; k++) {
                cross[q + k][j] = sigma[k][g.occasion()[j]];
            }
        }
        double[][] v = new double[m][m];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < m; k++) {
                double s = sigma[g.occasion()[j]][g.occasion()[k]];
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        s += z[j][a] * omega[a][b] * z[k][b];
                    }
                }
                v[j][k] = s;
            }
        }
        double[][] vi = Matrices.inverseSpd(v);
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            r[j] = g.y()[j];
            for (int a = 0; a < p; a++) {
                r[j] -= x[j][a] * pr.beta()[a];
            }
        }
        // W = V⁻¹ − (REML) V⁻¹XA⁻¹X'V⁻¹
        double[][] w = Matrices.copy(vi);
        if (reml) {
            double[][] vx = mul(vi, x);
            double[][] vxa = mul(vx, pr.covBeta());
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    for (int a = 0; a < p; a++) {
                        w[j][k] -= vxa[j][a] * vx[k][a];
                    }
                }
            }
        }
        int d = q + t;
        double[] mean = new double[d];
        double[][] cvi = mul(cross, vi);
        for (int a = 0; a < d; a++) {
            for (int j = 0; j < m; j++) {
                mean[a] += cvi[a][j] * r[j];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double prior = a < q && b < q ? omega[a][b] : a >= q && b >= q ? sigma[a - q][b - q] : 0;
                double s = 0;
                for (int j = 0; j < m; j++) {
                    for (int k = 0; k < m; k++) {
                        s += cross[a][j] * w[j][k] * cross[b][k];
                    }
                }
                double second = prior - s + mean[a] * mean[b];
                if (a < q && b < q) {
                    omegaSum[a][b] += second;
                } else if (a >= q && b >= q) {
                    sigmaSum[a - q][b - q] += second;
                }
            }
        }
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static void assertMatrix(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[i][j], actual[i][j], 1e-9 * Math.max(1, Math.abs(expected[i][j])),
                        "element " + i + "," + j);
            }
        }
    }
}
