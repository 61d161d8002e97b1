package org.lmm4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.lmm4j.testkit.Dense;

/**
 * Least squares by Givens rotations ({@link Givens}) against the normal equations (X'X)β = X'y solved by
 * Gauss–Jordan on well-conditioned random problems: β from {@link Givens#backSubstitute} on the rotated triangle, the
 * triangle's last diagonal ±√RSS, R'R = [X y]'[X y], R upper triangular; rows of zeros or leading zeros; and rows
 * near the limits of the double range (the hypot fallback).
 */
class GivensProperties {

    @Property(tries = 200)
    void leastSquaresMatchesTheNormalEquations(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int p,
                                               @ForAll @IntRange(min = 0, max = 40) int extra) {
        Random rnd = new Random(seed);
        int m = 2 * p + 2 + extra; // a well-conditioned X
        double[][] x = new double[m][p];
        double[] y = new double[m];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < p; c++) {
                x[j][c] = c == 0 ? 1 : rnd.nextGaussian() + 0.3 * c;
            }
            y[j] = 2 + rnd.nextGaussian();
            if (rnd.nextInt(5) == 0) {
                x[j][rnd.nextInt(p)] = 0; // some rows with zeros where a rotation is skipped
            }
        }
        if (rnd.nextInt(4) == 0) {
            java.util.Arrays.fill(x[m - 1], 0); // an all-zero row (y alone)
        }
        Solution s = rotated(x, y, 1);
        double[][] xt = Dense.transpose(x);
        double[][] inv = Dense.inverse(Dense.times(xt, x));
        Assume.that(inv != null);
        double[] beta = Dense.times(inv, Dense.times(xt, y));
        double[] fit = Dense.times(x, beta);
        double rss = 0;
        for (int j = 0; j < m; j++) {
            rss += (y[j] - fit[j]) * (y[j] - fit[j]);
        }
        double scale = 1 + Dense.maxAbs(beta);
        for (int c = 0; c < p; c++) {
            assertEquals(beta[c], s.beta[c], 1e-9 * scale, "β[" + c + "]");
        }
        double last = s.r[p * (p + 1) + p];
        double yy = 0;
        for (double v : y) {
            yy += v * v;
        }
        assertEquals(Math.sqrt(rss), Math.abs(last), 1e-9 * Math.sqrt(yy), "the last diagonal is ±√RSS");
        checkTriangle(s.r, x, y, 1);
    }

    @Test
    void rowsNearTheLimitsOfTheRangeUseHypot() {
        Random rnd = new Random(11);
        int p = 3;
        int m = 12;
        double[][] x = new double[m][p];
        double[] y = new double[m];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < p; c++) {
                x[j][c] = rnd.nextGaussian();
            }
            y[j] = rnd.nextGaussian();
        }
        Solution unit = rotated(x, y, 1);
        for (double c : new double[] {1e200, 1e-200}) {
            // h = √(r² + w²) overflows (or underflows to 0) in the squares: the rotation falls back on hypot
            Solution s = rotated(x, y, c);
            for (int k = 0; k < p; k++) {
                assertEquals(unit.beta[k], s.beta[k], 1e-12 * (1 + Math.abs(unit.beta[k])), "β at scale " + c);
            }
            for (int k = 0; k < unit.r.length; k++) {
                assertTrue(Double.isFinite(s.r[k]), "finite R at scale " + c);
                assertEquals(unit.r[k], s.r[k] / c, 1e-12 * (1 + Math.abs(unit.r[k])), "R/c at scale " + c);
            }
        }
    }

    /** R of [cX cy] by rotating in the rows one at a time, and β from its leading p×p block. */
    private static Solution rotated(double[][] x, double[] y, double c) {
        int p = x[0].length;
        int cols = p + 1;
        double[] r = new double[cols * cols];
        double[] w = new double[cols];
        for (int j = 0; j < x.length; j++) {
            for (int k = 0; k < p; k++) {
                w[k] = c * x[j][k];
            }
            w[p] = c * y[j];
            Givens.rotateIn(r, w, cols);
        }
        double[] rx = new double[p * p];
        double[] beta = new double[p];
        for (int a = 0; a < p; a++) {
            System.arraycopy(r, a * cols, rx, a * p, p);
            beta[a] = r[a * cols + p];
        }
        Givens.backSubstitute(rx, p, beta);
        return new Solution(r, beta);
    }

    /** R is upper triangular with R'R = A'A for A = c[X y]. */
    private static void checkTriangle(double[] r, double[][] x, double[] y, double c) {
        int p = x[0].length;
        int cols = p + 1;
        double[][] a = new double[x.length][cols];
        for (int j = 0; j < x.length; j++) {
            for (int k = 0; k < p; k++) {
                a[j][k] = c * x[j][k];
            }
            a[j][p] = c * y[j];
        }
        double[][] rr = Dense.rows(r, cols, cols);
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, rr[i][j], 0.0, "R[" + i + "][" + j + "] below the diagonal");
            }
        }
        double[][] ata = Dense.times(Dense.transpose(a), a);
        double[][] rtr = Dense.times(Dense.transpose(rr), rr);
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(ata[i][j], rtr[i][j], 1e-10 * Math.sqrt(ata[i][i] * ata[j][j]), "R'R[" + i + "][" + j + "]");
            }
        }
    }

    private record Solution(double[] r, double[] beta) {
    }
}
