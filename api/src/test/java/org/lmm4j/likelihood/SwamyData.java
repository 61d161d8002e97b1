package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dense;
import org.lmm4j.testkit.ModelGenerators;

/**
 * Data and an independent reference for the tests of Swamy's moment start ({@link StartValues#swamy}): growth-curve
 * data (X = Z = [1, t]) drawn from a known σ² and Ω, the scalar-Σ model of {@link SufficientStatisticsProperties},
 * and Swamy's estimator recomputed from the normal equations of each group (Z_i'Z_i inverted by Gauss–Jordan), with
 * nothing shared with {@link DataMoments} but the OLS β.
 */
final class SwamyData {

    private SwamyData() {
    }

    /** The scalar-Σ, free-Ω model of the data (ML). */
    static MixedModel model(ModelData data) {
        return new MixedModel(data, new SufficientStatisticsProperties.Scalar(), new SufficientStatisticsProperties.Free(),
                Method.ML);
    }

    /**
     * n groups seen at times 0..T−1, each occasion kept with probability {@code keep} (at least {@code minRows}
     * rows per group); X = Z = [1, t]; y drawn at σ², Ω (null: no random effects) and β = (10, −1).
     */
    static ModelData growth(Random rnd, int n, int t, double keep, int minRows, double sigma2, double[][] omega) {
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> seen = new ArrayList<>();
            while (seen.size() < minRows) {
                seen.clear();
                for (int j = 0; j < t; j++) {
                    if (rnd.nextDouble() < keep) {
                        seen.add(j);
                    }
                }
            }
            int m = seen.size();
            double[] x = new double[2 * m];
            int[] occ = new int[m];
            for (int j = 0; j < m; j++) {
                occ[j] = seen.get(j);
                x[2 * j] = 1;
                x[2 * j + 1] = seen.get(j);
            }
            groups.add(new Group("s" + i, new double[m], x, x.clone(), occ));
        }
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < t; j++) {
            labels.add(Integer.toString(j));
        }
        ModelData design = new ModelData(groups, List.of("(Intercept)", "time"), List.of("(Intercept)", "time"), "y",
                "subject", labels, 0, List.of());
        double[][] om = omega != null ? omega : new double[2][2];
        double[] beta = {10, -1};
        if (omega == null) {
            // y = Xβ + e: the simulator needs a positive definite Ω, so draw with the no-random-effects model
            List<Group> out = new ArrayList<>();
            for (Group g : design.groups()) {
                double[] y = new double[g.size()];
                for (int j = 0; j < y.length; j++) {
                    y[j] = beta[0] + beta[1] * g.x()[2 * j + 1] + Math.sqrt(sigma2) * rnd.nextGaussian();
                }
                out.add(new Group(g.id(), y, g.x(), g.z(), g.occasion()));
            }
            return new ModelData(out, design.fixedNames(), design.randomNames(), "y", "subject", labels, 0, List.of());
        }
        double[] theta = ModelGenerators.join(new double[] {sigma2},
                new SufficientStatisticsProperties.Free().parameters(om));
        return ModelGenerators.simulate(model(design), theta, beta, rnd);
    }

    /** SufficientStatisticsProperties' random unbalanced groups with a response drawn at a random σ² and Ω. */
    static ModelData random(Random rnd, int groups, int p, int q) {
        ModelData design = SufficientStatisticsProperties.data(rnd, groups, p, q);
        double sigma2 = 0.2 + 2 * rnd.nextDouble();
        double[] theta = SufficientStatisticsProperties.theta(rnd, design, sigma2, 0);
        if (q > 0) {
            // keep Ω safely positive definite for the simulator
            double[][] om = new SufficientStatisticsProperties.Free().matrix(java.util.Arrays.copyOfRange(theta, 1,
                    theta.length), q);
            for (int a = 0; a < q; a++) {
                om[a][a] += 0.1;
            }
            theta = ModelGenerators.join(new double[] {sigma2}, new SufficientStatisticsProperties.Free().parameters(om));
        }
        double[] beta = new double[p];
        for (int c = 0; c < p; c++) {
            beta[c] = 5 * rnd.nextGaussian();
        }
        return ModelGenerators.simulate(model(design), theta, beta, rnd);
    }

    /** The moments of all groups in order, one accumulator (hashed), about β. */
    static DataMoments sequential(List<Group> groups, double[] beta, boolean scalar, int t, int q) {
        DataMoments m = new DataMoments(beta, scalar, t, q, true);
        for (Group g : groups) {
            m.add(g);
        }
        return m;
    }

    /** The start's σ² (θ[0]) and Ω (the free structure's lower triangle). */
    static double sigma2(double[] theta) {
        return theta[0];
    }

    static double[][] omega(double[] theta, int q) {
        return new SufficientStatisticsProperties.Free().matrix(java.util.Arrays.copyOfRange(theta, 1, theta.length), q);
    }

    /**
     * Swamy's estimator without the floor, from the normal equations: over the groups with m_i &gt; q (all of whose
     * Z_i must have full rank), b̂_i = (Z_i'Z_i)⁻¹Z_i'r_i, σ² = Σ‖r_i − Z_ib̂_i‖²/Σ(m_i − q), S_b the scatter of the b̂_i
     * (divisor n − 1) and M̄ the mean of (Z_i'Z_i)⁻¹. Returns {σ²·I₁, S_b − σ²M̄, σ²M̄}.
     */
    static double[][][] reference(ModelData data, double[] beta) {
        int q = data.q();
        List<double[]> bs = new ArrayList<>();
        double[][] mbar = new double[q][q];
        double rss = 0;
        double df = 0;
        for (Group g : data.groups()) {
            int m = g.size();
            if (m <= q) {
                continue;
            }
            double[] r = g.residual(beta);
            double[][] z = Dense.rows(g.z(), m, q);
            double[][] ztz = Dense.times(Dense.transpose(z), z);
            double[][] inv = Dense.inverse(ztz);
            double[] zr = Dense.times(Dense.transpose(z), r);
            double[] b = Dense.times(inv, zr);
            double[] fit = Dense.times(z, b);
            for (int j = 0; j < m; j++) {
                rss += (r[j] - fit[j]) * (r[j] - fit[j]);
            }
            df += m - q;
            bs.add(b);
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    mbar[a][c] += inv[a][c];
                }
            }
        }
        int n = bs.size();
        double sigma2 = rss / df;
        double[] mean = new double[q];
        for (double[] b : bs) {
            for (int a = 0; a < q; a++) {
                mean[a] += b[a] / n;
            }
        }
        double[][] omega = new double[q][q];
        double[][] noise = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < q; c++) {
                double s = 0;
                for (double[] b : bs) {
                    s += (b[a] - mean[a]) * (b[c] - mean[c]);
                }
                noise[a][c] = sigma2 * mbar[a][c] / n;
                omega[a][c] = s / (n - 1) - noise[a][c];
            }
        }
        return new double[][][] {{{sigma2}}, omega, noise};
    }

    /** The eigenvalues of L⁻¹AL⁻ᵀ for B = LL' (B positive definite), by an explicit Cholesky factor and inverse. */
    static double[] relativeEigenvalues(double[][] a, double[][] b) {
        double[][] l = Dense.cholesky(b);
        double[][] li = Dense.inverse(l);
        double[][] w = Dense.times(Dense.times(li, a), Dense.transpose(li));
        int q = a.length;
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (w[i][j] + w[j][i]);
                w[i][j] = s;
                w[j][i] = s;
            }
        }
        return Matrices.eigenvalues(w);
    }

    /** σ²M̄ as DataMoments holds it: σ² Σ(Z_i'Z_i)⁻¹ / n. */
    static double[][] noise(DataMoments m, double sigma2) {
        int q = (int) Math.round(Math.sqrt(m.samplingSums().length));
        double[][] out = Dense.rows(m.samplingSums(), q, q);
        return Dense.scale(out, sigma2 / m.regressions());
    }
}
