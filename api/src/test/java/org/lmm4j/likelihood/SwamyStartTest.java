package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.optimise.ProfiledNewton;

/**
 * Swamy's moment start for a scalar Σ ({@link StartValues#swamy}, {@link StartValues#moments(MixedModel, double[])}) on
 * fixed data: consistency on 2000 simulated growth curves (against the truth, the ML fit and an independent
 * normal-equations computation), the floor when the true Ω is 0, the fallback to the plain start when no group can be
 * regressed, and bit-identical starts on 1 and 2 threads.
 */
class SwamyStartTest {

    private static final double SIGMA2 = 1.5;
    private static final double[][] OMEGA = {{4, -0.3}, {-0.3, 0.25}};

    @Test
    void isConsistentOnManyGroups() {
        int n = 2000;
        ModelData data = SwamyData.growth(new Random(20261203), n, 10, 0.8, 3, SIGMA2, OMEGA);
        MixedModel model = SwamyData.model(data);
        double[] ols = StartValues.ols(data);
        double[] theta = StartValues.moments(model, ols);
        DataMoments m = SwamyData.sequential(data.groups(), ols, true, data.occasions(), 2);
        assertEquals(n, m.regressions(), "every group (≥ 3 rows, two distinct times) is regressed");
        double sigma2 = SwamyData.sigma2(theta);
        double[][] omega = SwamyData.omega(theta, 2);

        // within a few standard errors of the truth: σ² on Σ(m_i − 2) degrees of freedom, Ω from n coefficient vectors
        // whose covariance is A = Ω + σ²M̄ (Var of a scatter entry ≈ (A_aaA_bb + A_ab²)/n)
        double seSigma = SIGMA2 * Math.sqrt(2 / m.withinDf());
        assertEquals(SIGMA2, sigma2, 4 * seSigma, "σ²");
        double[][] a = Matrices.copy(OMEGA);
        double[][] noise = SwamyData.noise(m, SIGMA2);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                a[r][c] += noise[r][c];
            }
        }
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                double se = Math.sqrt((a[r][r] * a[c][c] + a[r][c] * a[r][c]) / n);
                assertEquals(OMEGA[r][c], omega[r][c], 4 * se, "Ω[" + r + "][" + c + "]");
            }
        }

        // the data say Ω is far from the floor: the start is Swamy's unfloored estimate, which the normal equations
        // of each group reproduce to rounding
        double[][][] ref = SwamyData.reference(data, ols);
        assertEquals(ref[0][0][0], sigma2, 1e-10 * sigma2, "σ² against the normal equations");
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                assertEquals(ref[1][r][c], omega[r][c], 1e-9 * Math.sqrt(omega[r][r] * omega[c][c]),
                        "Ω[" + r + "][" + c + "] against the normal equations");
            }
        }

        // and close to the ML fit, which Newton reaches from it in a few iterations
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        EstimatorRun run = new ProfiledNewton(deviance, FitOptions.defaults()).minimise(theta);
        assertEquals(FitStatus.CONVERGED, run.status(), run.reason());
        assertTrue(run.iterations() <= 4, "Newton from the moment start took " + run.iterations() + " iterations");
        double[] ml = run.theta();
        assertEquals(ml[0], sigma2, 2 * seSigma, "σ² against ML");
        double[][] omegaMl = SwamyData.omega(ml, 2);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                double se = Math.sqrt((a[r][r] * a[c][c] + a[r][c] * a[r][c]) / n);
                assertEquals(omegaMl[r][c], omega[r][c], 2 * se, "Ω[" + r + "][" + c + "] against ML");
            }
        }
    }

    @Test
    void floorsOmegaWhenThereAreNoRandomEffects() {
        ModelData data = SwamyData.growth(new Random(77), 2000, 10, 0.8, 3, SIGMA2, null);
        MixedModel model = SwamyData.model(data);
        double[] ols = StartValues.ols(data);
        DataMoments m = SwamyData.sequential(data.groups(), ols, true, data.occasions(), 2);
        double[][][] swamy = StartValues.swamy(m, 2);
        assertNotNull(swamy);
        double sigma2 = swamy[0][0][0];
        assertEquals(SIGMA2, sigma2, 4 * SIGMA2 * Math.sqrt(2 / m.withinDf()));
        double[][] omega = swamy[1];
        double[] ev = Matrices.eigenvalues(omega);
        for (double v : ev) {
            assertTrue(v > 0, "Ω's eigenvalues " + java.util.Arrays.toString(ev));
        }
        double[] rel = SwamyData.relativeEigenvalues(omega, SwamyData.noise(m, sigma2));
        double smallest = Double.POSITIVE_INFINITY;
        for (double v : rel) {
            assertTrue(v >= StartValues.SAMPLING_FLOOR * (1 - 1e-9), "eigenvalues relative to σ²M̄ " + java.util.Arrays
                    .toString(rel));
            smallest = Math.min(smallest, v);
        }
        // the unfloored estimate S_b − σ²M̄ is about 0 ± O(n^-½) relative to σ²M̄: some direction is at the floor
        double[] raw = SwamyData.relativeEigenvalues(SwamyData.reference(data, ols)[1], SwamyData.noise(m, sigma2));
        assertTrue(Math.abs(raw[0]) < 0.2 && Math.abs(raw[1]) < 0.2, java.util.Arrays.toString(raw));
        assertEquals(StartValues.SAMPLING_FLOOR, smallest, 1e-9, "the smallest relative eigenvalue is the floor");

        double[] theta = StartValues.moments(model, ols);
        // the same as swamy on the sequential sums, to the rounding of GroupReduce's chunked sums
        double[] expected = {sigma2, omega[0][0], omega[1][0], omega[1][1]};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], theta[k], 1e-10 * Math.max(sigma2, omega[0][0]), "θ[" + k + "]");
        }
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        assertTrue(deviance.isAdmissible(theta, true));
        assertTrue(Double.isFinite(deviance.criterion(theta)));
    }

    @Test
    void fallsBackWhenNoGroupHasMoreRowsThanQ() {
        // q = 2 and every group has 1 or 2 rows: no within-group regression has residual degrees of freedom
        Random rnd = new Random(3);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int m = 1 + rnd.nextInt(2);
            double[] y = new double[m];
            double[] x = new double[2 * m];
            double[] z = new double[2 * m];
            int[] occ = new int[m];
            for (int j = 0; j < m; j++) {
                occ[j] = j == 0 ? rnd.nextInt(2) : 2 + rnd.nextInt(2);
                x[2 * j] = 1;
                x[2 * j + 1] = rnd.nextGaussian();
                z[2 * j] = 1;
                z[2 * j + 1] = occ[j];
                y[j] = 3 + x[2 * j + 1] + 2 * rnd.nextGaussian();
            }
            groups.add(new Group("g" + i, y, x, z, occ));
        }
        checkFallback(data(groups, 4));
    }

    @Test
    void fallsBackWhenEveryZiIsRankDeficient() {
        // Z = [1, c_i] with a covariate constant within each group: every Z_i has rank 1
        Random rnd = new Random(4);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int m = 3 + rnd.nextInt(4);
            double c = rnd.nextGaussian() * 3 + 0.5;
            double u = rnd.nextGaussian();
            double[] y = new double[m];
            double[] x = new double[2 * m];
            double[] z = new double[2 * m];
            int[] occ = new int[m];
            for (int j = 0; j < m; j++) {
                occ[j] = j;
                x[2 * j] = 1;
                x[2 * j + 1] = j;
                z[2 * j] = 1;
                z[2 * j + 1] = c;
                y[j] = 1 + 0.5 * j + u + rnd.nextGaussian();
            }
            groups.add(new Group("g" + i, y, x, z, occ));
        }
        checkFallback(data(groups, 6));
    }

    @Test
    void fallsBackWithFewerThanQPlusTwoRegressions() {
        // three groups of five rows, q = 2: the scatter of three coefficient vectors does not estimate a 2×2 Ω
        ModelData data = SwamyData.growth(new Random(8), 3, 5, 1.0, 5, 1, OMEGA);
        DataMoments m = SwamyData.sequential(data.groups(), StartValues.ols(data), true, data.occasions(), 2);
        assertEquals(3, m.regressions());
        checkFallback(data);
    }

    /** swamy returns null and moments(...) gives the plain start: admissible, σ² and a diagonal Ω from the residuals. */
    private static void checkFallback(ModelData data) {
        MixedModel model = SwamyData.model(data);
        double[] ols = StartValues.ols(data);
        int q = data.q();
        int t = data.occasions();
        DataMoments m = SwamyData.sequential(data.groups(), ols, true, t, q);
        assertNull(StartValues.swamy(m, q));
        double[] theta = StartValues.moments(model, ols);
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        assertTrue(deviance.isAdmissible(theta, true), java.util.Arrays.toString(theta));
        assertTrue(Double.isFinite(deviance.criterion(theta)));
        assertTrue(Matrices.isPositiveDefinite(SwamyData.omega(theta, q)));

        // the plain rule, recomputed from the residuals: σ² = ½ mean over occasions of Σ_occ r²/count, and
        // ω_aa = ½ (Σr²/N) / (Σz_a²/N)
        double total = 0;
        double[] squares = new double[t];
        double[] counts = new double[t];
        double[] zz = new double[q];
        int rows = 0;
        for (Group g : data.groups()) {
            double[] r = g.residual(ols);
            for (int j = 0; j < g.size(); j++) {
                total += r[j] * r[j];
                squares[g.occasion()[j]] += r[j] * r[j];
                counts[g.occasion()[j]]++;
                for (int a = 0; a < q; a++) {
                    zz[a] += g.z()[j * q + a] * g.z()[j * q + a];
                }
                rows++;
            }
        }
        double variance = total / rows;
        double mean = 0;
        for (int a = 0; a < t; a++) {
            mean += counts[a] > 0 && squares[a] > 0 ? squares[a] / counts[a] : variance;
        }
        assertEquals(0.5 * mean / t, theta[0], 1e-12 * theta[0], "σ²");
        double[][] omega = SwamyData.omega(theta, q);
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                double expected = a == b ? 0.5 * variance / (zz[a] / rows) : 0;
                assertEquals(expected, omega[a][b], 1e-12 * Math.abs(expected), "Ω[" + a + "][" + b + "]");
            }
        }
    }

    @Test
    void theStartIsBitIdenticalOnOneAndTwoThreads() throws Exception {
        ModelData data = SwamyData.random(new Random(5), 9000, 2, 2);
        assertTrue(data.observations() >= GroupReduce.PARALLEL_THRESHOLD, "large enough to run in parallel");
        assertTrue(data.groupCount() > 4 * GroupReduce.CHUNK);
        MixedModel model = SwamyData.model(data);
        double[] ols = StartValues.ols(data);
        DataMoments m = SwamyData.sequential(data.groups(), ols, true, data.occasions(), 2);
        assertNotNull(StartValues.swamy(m, 2), "the start takes Swamy's path");
        Supplier<double[]> given = () -> StartValues.moments(model, ols);
        Supplier<double[]> computed = () -> StartValues.moments(model);
        double[] reference = given.get();
        assertArrayEquals(reference, computed.get(), 0.0, "β_OLS given or computed");
        for (int threads : new int[] {1, 2}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                assertArrayEquals(reference, pool.submit(given::get).get(), 0.0, threads + " threads, β_OLS given");
                assertArrayEquals(reference, pool.submit(computed::get).get(), 0.0, threads + " threads, β_OLS computed");
            } finally {
                pool.shutdown();
            }
        }
    }

    private static ModelData data(List<Group> groups, int t) {
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < t; j++) {
            labels.add(Integer.toString(j));
        }
        return new ModelData(groups, List.of("(Intercept)", "x"), List.of("(Intercept)", "z"), "y", "g", labels, 0,
                List.of());
    }
}
