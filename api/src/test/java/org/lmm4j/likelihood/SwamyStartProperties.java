package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.ModelTransforms;

/**
 * Properties of the moment start for a scalar Σ ({@link StartValues#moments(MixedModel)}, Swamy's estimator when
 * enough groups can be regressed, the plain start otherwise) and of the sums behind it ({@link DataMoments}) on
 * SufficientStatisticsProperties' random unbalanced groups (some with m_i ≤ q or a repeated column of Z_i):
 * equivariance (y → cy scales σ² and Ω by c²; y → y + Xδ and a constant shift up to 10¹⁰ leave them unchanged; so do
 * permutations of the groups and of the rows within groups), merging the moments of two halves equals the moments of
 * all, and Swamy's Ω is positive definite with every eigenvalue relative to σ²M̄ at least the floor.
 */
class SwamyStartProperties {

    @Property(tries = 60)
    void scalingYScalesTheStartByCSquared(@ForAll long seed, @ForAll @IntRange(min = 6, max = 40) int groups,
                                          @ForAll @IntRange(min = 1, max = 3) int p,
                                          @ForAll @IntRange(min = 1, max = 3) int q,
                                          @ForAll @DoubleRange(min = -3, max = 3) double log10c) {
        Random rnd = new Random(seed);
        ModelData data = SwamyData.random(rnd, groups, p, q);
        double c = Math.pow(10, log10c);
        double[] base = start(data);
        double[] scaled = start(ModelTransforms.scaleResponse(data, c));
        double[] expected = base.clone();
        for (int k = 0; k < expected.length; k++) {
            expected[k] *= c * c;
        }
        close(expected, scaled, q, 1e-11, "y → " + c + "·y");
    }

    @Property(tries = 60)
    void shiftingYByXDeltaLeavesTheStart(@ForAll long seed, @ForAll @IntRange(min = 6, max = 40) int groups,
                                         @ForAll @IntRange(min = 1, max = 3) int p,
                                         @ForAll @IntRange(min = 1, max = 3) int q,
                                         @ForAll @IntRange(min = 0, max = 10) int log10shift) {
        Random rnd = new Random(seed);
        ModelData data = SwamyData.random(rnd, groups, p, q);
        double[] base = start(data);
        // the intercept (X's first column) by a constant of up to 10¹⁰, the other columns by multiples up to 10³
        double[] delta = new double[p];
        delta[0] = Math.pow(10, log10shift) * (rnd.nextBoolean() ? 1 : -1);
        for (int c = 1; c < p; c++) {
            delta[c] = 1000 * rnd.nextGaussian();
        }
        double[] shifted = start(ModelTransforms.shiftResponse(data, delta));
        // y + δ is rounded to ulp(|δ|): the residuals carry errors ~ 1e-16·|δ| against a spread of O(1) (measured:
        // relative changes of 1e-6 at |δ| = 1e10, 7e-7 at 1e9)
        double rounding = 1e-16 * Math.max(1000, Math.abs(delta[0]));
        close(base, shifted, q, 1e-10 + 200 * rounding, "y → y + X" + Arrays.toString(delta));
    }

    @Property(tries = 60)
    void permutingGroupsOrRowsLeavesTheStart(@ForAll long seed, @ForAll @IntRange(min = 6, max = 40) int groups,
                                             @ForAll @IntRange(min = 1, max = 3) int p,
                                             @ForAll @IntRange(min = 1, max = 3) int q) {
        Random rnd = new Random(seed);
        ModelData data = SwamyData.random(rnd, groups, p, q);
        double[] base = start(data);
        close(base, start(ModelTransforms.permuteGroups(data, rnd)), q, 1e-10, "groups permuted");
        close(base, start(ModelTransforms.permuteRowsWithinGroups(data, rnd)), q, 1e-10, "rows permuted");
    }

    @Property(tries = 100)
    void mergingTwoHalvesEqualsAllGroups(@ForAll long seed, @ForAll @IntRange(min = 2, max = 40) int groups,
                                         @ForAll @IntRange(min = 1, max = 3) int p,
                                         @ForAll @IntRange(min = 0, max = 3) int q, @ForAll boolean scalar) {
        Random rnd = new Random(seed);
        ModelData data = SwamyData.random(rnd, groups, p, q);
        double[] beta = StartValues.ols(data);
        int t = data.occasions();
        List<Group> all = data.groups();
        int cut = 1 + rnd.nextInt(all.size() - 1);
        DataMoments whole = SwamyData.sequential(all, beta, scalar, t, q);
        DataMoments left = SwamyData.sequential(all.subList(0, cut), beta, scalar, t, q);
        DataMoments right = SwamyData.sequential(all.subList(cut, all.size()), beta, scalar, t, q);
        DataMoments merged = left.merge(right);

        assertEquals(whole.groups(), merged.groups());
        assertEquals(whole.rows(), merged.rows());
        assertEquals(whole.fingerprint(), merged.fingerprint());
        assertArrayEquals(whole.zOnes(), merged.zOnes());
        assertEquals(whole.regressions(), merged.regressions());
        assertEquals(whole.withinDf(), merged.withinDf(), 0.0);
        assertEquals(scalar && q > 0 ? 1 : 0, Math.min(1, whole.coefficientSums().length));
        sum(whole.residualSquares(), merged.residualSquares(), whole.residualSquares());
        sum(whole.withinRss(), merged.withinRss(), whole.withinRss());
        for (int a = 0; a < t; a++) {
            sum(whole.occasionSquares()[a], merged.occasionSquares()[a], whole.residualSquares());
            assertEquals(whole.occasionCounts()[a], merged.occasionCounts()[a], 0.0);
            if (!scalar) {
                for (int b = 0; b < t; b++) {
                    sum(whole.products()[a][b], merged.products()[a][b], whole.residualSquares());
                    assertEquals(whole.pairCounts()[a][b], merged.pairCounts()[a][b], 0.0);
                }
            }
        }
        for (int a = 0; a < q; a++) {
            sum(whole.zSums()[a], merged.zSums()[a], Math.sqrt(whole.rows() * whole.zSquares()[a]));
            sum(whole.zSquares()[a], merged.zSquares()[a], whole.zSquares()[a]);
        }
        if (scalar && q > 0) {
            double[] prod = whole.coefficientProducts();
            double[] samp = whole.samplingSums();
            int n = Math.max(1, whole.regressions());
            for (int a = 0; a < q; a++) {
                // |Σ b_a| ≤ √(n Σ b_a²), |Σ b_ab_c| ≤ √(Σb_a² Σb_c²) and likewise for the PSD (Z_i'Z_i)⁻¹
                sum(whole.coefficientSums()[a], merged.coefficientSums()[a], Math.sqrt(n * prod[a * q + a]));
                for (int c = 0; c < q; c++) {
                    sum(prod[a * q + c], merged.coefficientProducts()[a * q + c],
                            Math.sqrt(prod[a * q + a] * prod[c * q + c]));
                    sum(samp[a * q + c], merged.samplingSums()[a * q + c], Math.sqrt(samp[a * q + a] * samp[c * q + c]));
                }
            }
        }
        // and GroupReduce's chunked reduction over all groups (one chunk here) gives the sequential sums
        DataMoments reduced = GroupReduce.reduce(all, data.observations(),
                () -> new DataMoments(beta, scalar, t, q, true), DataMoments::add, DataMoments::merge);
        assertEquals(whole.fingerprint(), reduced.fingerprint());
        assertEquals(whole.regressions(), reduced.regressions());
        assertEquals(whole.withinRss(), reduced.withinRss(), 0.0);
        assertArrayEquals(whole.coefficientProducts(), reduced.coefficientProducts(), 0.0);
    }

    @Property(tries = 100)
    void swamysOmegaIsFlooredRelativeToTheSamplingCovariance(@ForAll long seed,
                                                            @ForAll @IntRange(min = 6, max = 60) int groups,
                                                            @ForAll @IntRange(min = 1, max = 3) int p,
                                                            @ForAll @IntRange(min = 1, max = 3) int q,
                                                            @ForAll boolean randomEffects) {
        Random rnd = new Random(seed);
        ModelData data = SwamyData.random(rnd, groups, p, q);
        if (!randomEffects) {
            // the true Ω = 0: y = Xβ + e
            data = ModelTransforms.map(data, g -> {
                double[] y = new double[g.size()];
                for (int j = 0; j < y.length; j++) {
                    y[j] = g.x()[j * p] * 2 + rnd.nextGaussian();
                }
                return new Group(g.id(), y, g.x(), g.z(), g.occasion());
            });
        }
        double[] ols = StartValues.ols(data);
        DataMoments m = SwamyData.sequential(data.groups(), ols, true, data.occasions(), q);
        double[][][] swamy = StartValues.swamy(m, q);
        MixedModel model = SwamyData.model(data);
        double[] theta = StartValues.moments(model, ols);
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        assertTrue(deviance.isAdmissible(theta, true), Arrays.toString(theta));
        assertTrue(Double.isFinite(deviance.criterion(theta)), Arrays.toString(theta));
        assertTrue(Matrices.isPositiveDefinite(SwamyData.omega(theta, q)), Arrays.toString(theta));
        if (swamy == null) {
            assertTrue(m.regressions() < q + 2 || !(m.withinRss() > 0), "null only without enough regressions");
            return;
        }
        double sigma2 = swamy[0][0][0];
        assertTrue(sigma2 > 0);
        assertEquals(m.withinRss() / m.withinDf(), sigma2, 0.0);
        for (double v : Matrices.eigenvalues(swamy[1])) {
            assertTrue(v > 0, "Ω " + Arrays.deepToString(swamy[1]));
        }
        double[][] noise = SwamyData.noise(m, sigma2);
        for (double v : SwamyData.relativeEigenvalues(swamy[1], noise)) {
            assertTrue(v >= StartValues.SAMPLING_FLOOR * (1 - 1e-9), "relative eigenvalue " + v);
        }
        // where no direction is floored, Ω is S_b − σ²M̄ itself
        double[] raw = SwamyData.relativeEigenvalues(Matrices.copy(rawOmega(m, q, sigma2)), noise);
        if (Arrays.stream(raw).min().getAsDouble() > StartValues.SAMPLING_FLOOR * 1.01) {
            double[][] r = rawOmega(m, q, sigma2);
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    assertEquals(r[a][c], swamy[1][a][c], 1e-8 * Math.sqrt(r[a][a] * r[c][c]));
                }
            }
        }
    }

    /** S_b − σ²M̄ from the sums, as the Javadoc of swamy writes it. */
    private static double[][] rawOmega(DataMoments m, int q, double sigma2) {
        int n = m.regressions();
        double[] s = m.coefficientSums();
        double[] pr = m.coefficientProducts();
        double[][] noise = SwamyData.noise(m, sigma2);
        double[][] out = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < q; c++) {
                out[a][c] = (pr[a * q + c] - s[a] * s[c] / n) / (n - 1) - noise[a][c];
            }
        }
        return out;
    }

    private static double[] start(ModelData data) {
        return StartValues.moments(SwamyData.model(data));
    }

    /** A sum recomputed in another order: within 1e-12 of a bound on the sum of the absolute terms. */
    private static void sum(double expected, double actual, double bound) {
        assertEquals(expected, actual, 1e-12 * Math.max(bound, Math.abs(expected)) + 1e-300);
    }

    /** θ = (σ², lower triangle of Ω): σ² relatively, Ω_ab relatively to √(Ω_aaΩ_bb). */
    private static void close(double[] expected, double[] actual, int q, double tol, String what) {
        assertEquals(expected.length, actual.length);
        assertEquals(expected[0], actual[0], tol * expected[0], what + ": σ²");
        double[][] e = SwamyData.omega(expected, q);
        double[][] a = SwamyData.omega(actual, q);
        for (int r = 0; r < q; r++) {
            for (int c = 0; c < q; c++) {
                assertEquals(e[r][c], a[r][c], tol * Math.sqrt(e[r][r] * e[c][c]),
                        what + ": Ω[" + r + "][" + c + "] of " + Arrays.deepToString(e) + " vs " + Arrays.deepToString(a));
            }
        }
    }
}
