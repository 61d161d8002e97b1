package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.lmm4j.model.Group;

/** The one-pass column moments against exact arithmetic, at awkward scales, and on any number of threads. */
class ColumnMomentsProperties {

    /** Groups of 1..12 rows; column 0 is ones, column 1 is shift + scale·N(0, 1), column 2 a constant. */
    static List<Group> groups(long seed, int n, double shift, double scale) {
        Random rnd = new Random(seed);
        List<Group> groups = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            int m = 1 + rnd.nextInt(12);
            double[] x = new double[3 * m];
            for (int i = 0; i < m; i++) {
                x[3 * i] = 1;
                x[3 * i + 1] = shift + scale * rnd.nextGaussian();
                x[3 * i + 2] = shift;
            }
            groups.add(new Group("g" + g, new double[m], x, x.clone(), new int[m]));
        }
        return groups;
    }

    static int rows(List<Group> groups) {
        return groups.stream().mapToInt(Group::size).sum();
    }

    @Property(tries = 60)
    void meanAndSpreadAreExactToRounding(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
                                         @ForAll @IntRange(min = 1, max = 400) int n,
                                         @ForAll @DoubleRange(min = -1e10, max = 1e10) double shift,
                                         @ForAll @DoubleRange(min = -6, max = 6) double log10Scale) {
        double scale = Math.pow(10, log10Scale);
        List<Group> groups = groups(seed, n, shift, scale);
        ColumnMoments m = ColumnMoments.ofFixed(groups, rows(groups), 3);
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        long count = 0;
        for (Group g : groups) {
            for (int i = 0; i < g.size(); i++) {
                sum = sum.add(new BigDecimal(g.x()[3 * i + 1]));
                count++;
            }
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(count), mc);
        BigDecimal ss = BigDecimal.ZERO;
        for (Group g : groups) {
            for (int i = 0; i < g.size(); i++) {
                BigDecimal d = new BigDecimal(g.x()[3 * i + 1]).subtract(mean);
                ss = ss.add(d.multiply(d), mc);
            }
        }
        assertEquals(count, m.n());
        // Welford's update rounds each deviation to the data's magnitude, ε(|shift| + scale), so the error of Σ(x − x̄)²
        // grows with N·ε·(|shift| + scale)·scale: the conditioning of the data, not a loss of the spread (the naive
        // Σx² − n x̄² would lose every digit once |shift|/scale passes 10⁸)
        double eps = Math.ulp(1.0);
        double magnitude = Math.abs(shift) + scale;
        assertEquals(mean.doubleValue(), m.mean()[1], 4 * count * eps * magnitude);
        assertEquals(ss.doubleValue(), m.m2()[1], 1e-9 * ss.doubleValue() + 16 * count * eps * magnitude * scale);
        assertEquals(1.0, m.mean()[0]);
        assertEquals(0.0, m.m2()[0]);
        assertTrue(m.ones()[0]);
        assertFalse(m.ones()[1]);
        assertEquals(0.0, m.m2()[2], "a constant column has no spread at all");
        assertEquals(shift, m.mean()[2]);
    }

    @Test
    void bitIdenticalOnOneToEightThreads() throws Exception {
        List<Group> groups = groups(7, 9000, 1e6, 3);
        int rows = rows(groups);
        assertTrue(rows >= GroupReduce.PARALLEL_THRESHOLD, "large enough to run in parallel");
        ColumnMoments reference = ColumnMoments.ofRandom(groups, rows, 3);
        for (int threads : new int[] {1, 2, 8}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                ColumnMoments other = pool.submit(() -> ColumnMoments.ofRandom(groups, rows, 3)).get();
                assertArrayEquals(reference.mean(), other.mean(), 0.0, threads + " threads");
                assertArrayEquals(reference.m2(), other.m2(), 0.0, threads + " threads");
            } finally {
                pool.shutdown();
            }
        }
    }
}
