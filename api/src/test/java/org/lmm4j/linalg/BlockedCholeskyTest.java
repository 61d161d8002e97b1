package org.lmm4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocked factor against the per-group {@link Cholesky} (to rounding), the same bits whether the work is split
 * among the workers or not, L·L⁻¹ = I for the inverse of a leading block, and a clear false for a matrix that is not
 * positive definite; orders below, at and across panel and parallel thresholds.
 */
class BlockedCholeskyTest {

    private static double[][] spd(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] g = new double[n][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextDouble() - 0.5;
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += g[i][k] * g[j][k];
                }
                a[i][j] = s + (i == j ? 0.1 * n : 0);
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 47, 48, 49, 97, 300, 611})
    void factorsAndInverts(int n) {
        double[][] a = spd(n, n);
        double[][] serial = copy(a);
        double[][] parallel = copy(a);
        assertTrue(BlockedCholesky.factor(serial, false));
        assertTrue(BlockedCholesky.factor(parallel, true));
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, flat, i * n, n);
        }
        assertTrue(Cholesky.factor(flat, n));
        for (int i = 0; i < n; i++) {
            assertArrayEquals(serial[i], parallel[i], 0, "row " + i + ": not the same bits in parallel");
            for (int j = 0; j <= i; j++) {
                assertEquals(flat[i * n + j], serial[i][j], 1e-12 * Math.sqrt(n), "L[" + i + "][" + j + "]");
            }
        }
        int d = Math.max(1, n - 3);
        double[][] xt = BlockedCholesky.inverseTransposed(serial, d, false);
        double[][] xtParallel = BlockedCholesky.inverseTransposed(serial, d, true);
        for (int c = 0; c < d; c++) {
            assertArrayEquals(xt[c], xtParallel[c], 0);
            for (int i = 0; i < d; i++) {
                double v = 0;
                for (int t = c; t <= i; t++) {
                    v += serial[i][t] * xt[c][t];
                }
                assertEquals(i == c ? 1 : 0, v, 1e-12, "(L X)[" + i + "][" + c + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 60, 300})
    void refusesAnIndefiniteMatrix(int n) {
        double[][] a = spd(n, 7);
        a[n - 1][n - 1] = -1;
        assertFalse(BlockedCholesky.factor(a, true));
    }
}
