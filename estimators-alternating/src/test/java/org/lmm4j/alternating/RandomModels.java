package org.lmm4j.alternating;

import org.lmm4j.testkit.Discovered;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Random growth-curve data for property tests: n groups seen at a random subset of T occasions (missing
 * cells), X = [1, time], Z = [1] or [1, time], y = 10 + 0.5 time + Z b_i + e with occasion-specific noise.
 */
final class RandomModels {

    private RandomModels() {
    }

    static MixedModel model(long seed, int n, int t, int q, double missing, String sigma, Method method) {
        Random rnd = new Random(seed);
        List<Group> groups = new ArrayList<>();
        double[] sd = new double[t];
        for (int o = 0; o < t; o++) {
            sd[o] = 0.5 + rnd.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            List<Integer> seen = new ArrayList<>();
            for (int o = 0; o < t; o++) {
                if (rnd.nextDouble() >= missing) {
                    seen.add(o);
                }
            }
            if (seen.isEmpty()) {
                seen.add(rnd.nextInt(t));
            }
            int m = seen.size();
            double b0 = rnd.nextGaussian() * 1.5;
            double b1 = rnd.nextGaussian() * 0.3;
            double[] y = new double[m];
            double[] x = new double[2 * m];
            double[] z = new double[q * m];
            int[] occ = new int[m];
            double shared = rnd.nextGaussian() * 0.5;
            for (int j = 0; j < m; j++) {
                int o = seen.get(j);
                double time = o + 1;
                occ[j] = o;
                x[2 * j] = 1;
                x[2 * j + 1] = time;
                if (q >= 1) {
                    z[q * j] = 1;
                }
                if (q == 2) {
                    z[q * j + 1] = time;
                }
                y[j] = 10 + 0.5 * time + b0 + b1 * time + shared + sd[o] * rnd.nextGaussian();
            }
            groups.add(new Group("g" + i, y, x, z, occ));
        }
        List<String> labels = new ArrayList<>();
        for (int o = 0; o < t; o++) {
            labels.add(Integer.toString(o + 1));
        }
        List<String> randomNames = q == 0 ? List.of() : q == 1 ? List.of("(Intercept)") : List.of("(Intercept)", "time");
        ModelData data = new ModelData(groups, List.of("(Intercept)", "time"), randomNames, "y", "g", labels, 0,
                List.of());
        return new MixedModel(data, Discovered.structure(sigma), q > 0 ? Discovered.structure("free") : null,
                method);
    }
}
