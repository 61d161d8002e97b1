package org.lmm4j.em;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Test data: random longitudinal models built by hand. Group i is seen at a random subset of T occasions
 * (time value τ_t = t); X_i = (1, τ, a group covariate, a row covariate)[first p columns], Z_i = (1, τ)[first q];
 * y = Xβ + Zb + e with b ~ N(0, Ω), e ~ N(0, Σ) and Σ with an AR(1)-like correlation and unequal variances.
 */
final class RandomModels {

    private RandomModels() {
    }

    /** A data set; {@code keep} is the probability that an occasion is observed (at least one always is). */
    static ModelData data(long seed, int groups, int occasions, int p, int q, double keep) {
        Random rnd = new Random(seed);
        double[] beta = {10, 0.5, -1, 0.3};
        double[][] omega = {{2.0, -0.2}, {-0.2, 0.1}};
        double[] sd = new double[occasions];
        for (int t = 0; t < occasions; t++) {
            sd[t] = 0.6 + rnd.nextDouble();
        }
        double rho = 0.5 * rnd.nextDouble();
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            List<Integer> seen = new ArrayList<>();
            for (int t = 0; t < occasions; t++) {
                if (rnd.nextDouble() < keep) {
                    seen.add(t);
                }
            }
            if (seen.isEmpty()) {
                seen.add(rnd.nextInt(occasions));
            }
            int m = seen.size();
            double b0 = Math.sqrt(omega[0][0]) * rnd.nextGaussian();
            double b1 = omega[0][1] / Math.sqrt(omega[0][0]) * b0 / Math.sqrt(omega[0][0])
                    + Math.sqrt(omega[1][1] - omega[0][1] * omega[0][1] / omega[0][0]) * rnd.nextGaussian();
            double covariate = rnd.nextGaussian();
            double[] y = new double[m];
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] occ = new int[m];
            double previous = 0;
            for (int j = 0; j < m; j++) {
                int t = seen.get(j);
                occ[j] = t;
                double[] xr = {1, t, covariate, rnd.nextGaussian()};
                double[] zr = {1, t};
                double mean = 0;
                for (int c = 0; c < p; c++) {
                    x[j * p + c] = xr[c];
                    mean += xr[c] * beta[c];
                }
                for (int c = 0; c < q; c++) {
                    z[j * q + c] = zr[c];
                }
                double bz = q > 0 ? b0 + (q > 1 ? b1 * t : 0) : 0;
                double e = rho * previous + Math.sqrt(1 - rho * rho) * rnd.nextGaussian();
                previous = e;
                y[j] = mean + bz + sd[t] * e;
            }
            out.add(new Group("g" + i, y, x, z, occ));
        }
        List<String> fixed = List.of("(Intercept)", "time", "covariate", "noise").subList(0, p);
        List<String> random = List.of("(Intercept)", "time").subList(0, q);
        List<String> labels = new ArrayList<>();
        for (int t = 0; t < occasions; t++) {
            labels.add(String.valueOf(t));
        }
        return new ModelData(out, fixed, random, "y", "g", labels, 0, List.of());
    }

    static MixedModel model(long seed, int groups, int occasions, int p, int q, double keep, String sigma,
                            String omega, Method method) {
        return Models.model(data(seed, groups, occasions, p, q, keep), sigma, omega, method);
    }
}
