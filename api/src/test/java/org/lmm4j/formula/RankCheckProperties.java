package org.lmm4j.formula;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rank check finds exactly the aliased column and the columns it is a combination of. */
class RankCheckProperties {

    private static double[][] gaussian(int p, int n, long seed, double scale) {
        Random r = new Random(seed);
        double[][] x = new double[p][n];
        for (double[] c : x) {
            for (int i = 0; i < n; i++) {
                c[i] = scale * r.nextGaussian();
            }
        }
        return x;
    }

    @Property(tries = 200)
    void fullRankDesignsPass(@ForAll @IntRange(min = 1, max = 8) int p, @ForAll long seed,
                             @ForAll @IntRange(min = -3, max = 3) int log10Scale) {
        assertTrue(RankCheck.aliased(gaussian(p, p + 3, seed, Math.pow(10, log10Scale))).isEmpty());
    }

    @Property(tries = 200)
    void aCombinationOfTwoColumnsIsFoundAndNamed(@ForAll @IntRange(min = 2, max = 8) int p, @ForAll long seed,
                                                 @ForAll @DoubleRange(min = 0.1, max = 10) double a,
                                                 @ForAll @DoubleRange(min = -10, max = -0.1) double b) {
        int n = p + 5;
        double[][] x = gaussian(p, n, seed, 1);
        int first = Math.floorMod(seed, p);
        int second = (first + 1 + Math.floorMod(seed >>> 8, p - 1)) % p;
        double[][] withAlias = new double[p + 1][];
        System.arraycopy(x, 0, withAlias, 0, p);
        withAlias[p] = new double[n];
        for (int i = 0; i < n; i++) {
            withAlias[p][i] = a * x[first][i] + b * x[second][i];
        }
        List<RankCheck.Alias> aliased = RankCheck.aliased(withAlias);
        assertEquals(1, aliased.size());
        assertEquals(p, aliased.get(0).column());
        assertEquals(List.of(Math.min(first, second), Math.max(first, second)), aliased.get(0).combinationOf());
    }
}
