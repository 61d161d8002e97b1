package org.lmm4j.formula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** The rank check at awkward sizes and offsets: many-level factors, covariates far from zero, any thread count. */
class RankCheckTest {

    /** Intercept, t in 0..9, and the dummies of a factor with {@code levels} levels (first level the reference). */
    private static double[][] factorDesign(int rows, int levels, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[levels + 1][rows];
        for (int i = 0; i < rows; i++) {
            x[0][i] = 1;
            x[1][i] = i % 10;
            int level = i < levels ? i : r.nextInt(levels); // every level present
            if (level > 0) {
                x[1 + level][i] = 1;
            }
        }
        return x;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int j = 0; j < x.length; j++) {
            c[j] = x[j].clone();
        }
        return c;
    }

    @Test
    void aManyLevelFactorIsCheckedInSecondsAndItsAliasIsNamed() {
        int levels = 800;
        double[][] base = factorDesign(24_000, levels, 5);
        double[][] x = new double[base.length + 1][];
        System.arraycopy(base, 0, x, 0, base.length);
        x[base.length] = new double[base[0].length];
        for (int i = 0; i < x[0].length; i++) {
            x[base.length][i] = base[2 + 5][i] + 2 * base[2 + 70][i]; // levels 6 and 71
        }
        long start = System.nanoTime();
        List<RankCheck.Alias> aliased = RankCheck.aliased(copy(x));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, aliased.size());
        assertEquals(base.length, aliased.get(0).column());
        assertEquals(List.of(2 + 5, 2 + 70), aliased.get(0).combinationOf());
        // modified Gram-Schmidt on every column took about a minute here (2·N·p² flops)
        assertTrue(seconds < 15, "rank check of 24 000 × 802 took " + seconds + " s");
    }

    @Test
    void theAnswerDoesNotDependOnTheNumberOfThreads() throws Exception {
        double[][] x = factorDesign(5_000, 300, 9);
        double[][] withAlias = new double[x.length + 1][];
        System.arraycopy(x, 0, withAlias, 0, x.length);
        withAlias[x.length] = x[1].clone();
        for (int i = 0; i < x[0].length; i++) {
            withAlias[x.length][i] = 3 * x[1][i] - x[0][i] + x[7][i];
        }
        List<RankCheck.Alias> many = RankCheck.aliased(copy(withAlias));
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            List<RankCheck.Alias> single = one.submit(() -> RankCheck.aliased(copy(withAlias))).get();
            assertEquals(many, single);
        } finally {
            one.shutdown();
        }
        assertEquals(List.of(new RankCheck.Alias(x.length, List.of(0, 1, 7))), many);
    }

    @Test
    void aCovariateFarFromZeroIsNotAliasedWithTheIntercept() {
        for (double shift : new double[] {1e4, 1e6, 1e9, 1e10}) {
            int n = 150;
            double[][] x = new double[2][n];
            for (int i = 0; i < n; i++) {
                x[0][i] = 1;
                x[1][i] = shift + i % 5;
            }
            assertTrue(RankCheck.aliased(x).isEmpty(), "t + " + shift + " was called aliased");
        }
    }

    @Test
    void aShiftedCombinationStillNamesTheInterceptAndTheColumn() {
        int n = 150;
        double[][] x = new double[4][n];
        Random r = new Random(3);
        for (int i = 0; i < n; i++) {
            x[0][i] = 1;
            x[1][i] = i % 5;
            x[2][i] = r.nextGaussian();
            x[3][i] = 1e9 + 2 * x[1][i]; // 1e9·(Intercept) + 2·t
        }
        assertEquals(List.of(new RankCheck.Alias(3, List.of(0, 1))), RankCheck.aliased(x));
        double[][] constant = {x[0].clone(), x[1].clone(), new double[n]};
        java.util.Arrays.fill(constant[2], 7.3);
        assertEquals(List.of(new RankCheck.Alias(2, List.of(0))), RankCheck.aliased(constant));
    }

    @Test
    void decisionsNearTheToleranceFollowTheResidualNorm() {
        // column 3 = column 1 + eps·(a direction orthogonal to nothing in particular): aliased iff eps < 1e-6
        int n = 200;
        Random r = new Random(11);
        double[][] x = new double[3][n];
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            x[0][i] = 1;
            x[1][i] = r.nextGaussian();
            noise[i] = r.nextGaussian();
        }
        for (double eps : new double[] {1e-3, 1e-5, 3e-6}) {
            double[][] y = {x[0].clone(), x[1].clone(), new double[n]};
            for (int i = 0; i < n; i++) {
                y[2][i] = x[1][i] + eps * noise[i];
            }
            assertTrue(RankCheck.aliased(y).isEmpty(), "eps " + eps);
        }
        for (double eps : new double[] {3e-7, 1e-8, 1e-11}) {
            double[][] y = {x[0].clone(), x[1].clone(), new double[n]};
            for (int i = 0; i < n; i++) {
                y[2][i] = x[1][i] + eps * noise[i];
            }
            assertEquals(List.of(new RankCheck.Alias(2, List.of(1))), RankCheck.aliased(y), "eps " + eps);
        }
    }
}
