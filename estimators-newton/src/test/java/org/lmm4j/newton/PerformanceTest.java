package org.lmm4j.newton;

import org.lmm4j.testkit.Discovered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * docs/DESIGN.md §5's benchmark shape (random intercept and slope, 10 occasions per subject, ML): the cost of one
 * gradient + Hessian on 100,000 groups, and whole fits, stay linear in the number of groups and fast.
 */
class PerformanceTest {

    @Test
    void gradientAndHessianOnAMillionRows() {
        MixedModel model = simulate(100_000, 10, 7);
        ProfiledDeviance dev = new ProfiledDeviance(model);

        double[] theta = {1.0, 2.0, 0.1, 0.3};
        long best = Long.MAX_VALUE;
        long bestHessian = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            Gradient g = dev.gradient(theta);
            long t1 = System.nanoTime();
            dev.hessian(theta, g);
            long t2 = System.nanoTime();
            best = Math.min(best, t2 - t0);
            bestHessian = Math.min(bestHessian, t2 - t1);
        }
        System.out.printf("1,000,000 rows: gradient + Hessian %.1f ms (Hessian alone %.1f ms)%n", best / 1e6,
                bestHessian / 1e6);
        assertTrue(best < 1_000_000_000L, "gradient + Hessian took " + best / 1e6 + " ms");
    }

    @Test
    void fitsOfTenAndHundredThousandRows() {
        for (int groups : new int[] {1_000, 10_000}) {
            MixedModel model = simulate(groups, 10, 11);
            new NewtonEstimator().fit(model, FitOptions.defaults());
            long t0 = System.nanoTime();
            FitResult r = new NewtonEstimator().fit(model, FitOptions.defaults());
            long ns = System.nanoTime() - t0;
            System.out.printf("%,d rows: fit in %.1f ms, %d iterations, %d evaluations%n", groups * 10, ns / 1e6,
                    r.iterations(), r.evaluations());
            assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
            assertEquals(1.0, r.sigma()[0][0], 0.05);
            assertTrue(ns < 5_000_000_000L);
        }
    }

    /** y = 1 + 0.5 t + b_0 + b_1 t + e, Ω = [[2, 0.1], [0.1, 0.3]], σ² = 1, t = 0..m−1. */
    static MixedModel simulate(int n, int m, long seed) {
        Random rnd = new Random(seed);
        List<Group> groups = new ArrayList<>(n);
        double l00 = Math.sqrt(2);
        double l10 = 0.1 / l00;
        double l11 = Math.sqrt(0.3 - l10 * l10);
        for (int i = 0; i < n; i++) {
            double u0 = rnd.nextGaussian();
            double u1 = rnd.nextGaussian();
            double b0 = l00 * u0;
            double b1 = l10 * u0 + l11 * u1;
            double[] y = new double[m];
            double[] x = new double[2 * m];
            int[] occ = new int[m];
            for (int j = 0; j < m; j++) {
                y[j] = 1 + 0.5 * j + b0 + b1 * j + rnd.nextGaussian();
                x[2 * j] = 1;
                x[2 * j + 1] = j;
                occ[j] = j;
            }
            groups.add(new Group("s" + i, y, x, x.clone(), occ));
        }
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            labels.add(String.valueOf(j));
        }
        ModelData data = new ModelData(groups, List.of("(Intercept)", "t"), List.of("(Intercept)", "t"), "y", "subj",
                labels, 0, List.of());
        return new MixedModel(data, Discovered.structure("scalar"), Discovered.structure("free"), Method.ML);
    }
}
