package org.lmm4j.likelihood;

import java.util.List;
import java.util.function.Function;
import org.lmm4j.model.Group;

/**
 * The mean and the spread of each column of a design (X or Z) over all rows, and whether the column is all ones: what
 * decides that a column is nearly collinear with the intercept ({@link CentredRandomEffects}, and the advice to centre
 * a covariate). One pass, on both cores: Welford's update within a chunk of groups, m ← m + (x − m)/n,
 * M₂ ← M₂ + (x − m_old)(x − m_new), and Chan, Golub &amp; LeVeque's merge of chunks, δ = m_b − m_a,
 * m = m_a + δ n_b/n, M₂ = M₂a + M₂b + δ² n_a n_b/n, in chunk order ({@link GroupReduce}), so the result does not
 * depend on the number of threads. Neither loses the spread of values far from zero.
 *
 * @param n     the number of rows
 * @param mean  the column means
 * @param m2    the sums of squared deviations from the means, Σ(x − x̄)²
 * @param ones  whether every value of the column is 1
 */
public record ColumnMoments(long n, double[] mean, double[] m2, boolean[] ones) {

    /** The moments of X's columns. */
    public static ColumnMoments ofFixed(List<Group> groups, int observations, int p) {
        return of(groups, observations, p, Group::x);
    }

    /** The moments of Z's columns. */
    public static ColumnMoments ofRandom(List<Group> groups, int observations, int q) {
        return of(groups, observations, q, Group::z);
    }

    /** The standard deviation of column {@code a} (n − 1 in the denominator; NaN below two rows). */
    public double sd(int a) {
        return Math.sqrt(m2[a] / (n - 1));
    }

    private static ColumnMoments of(List<Group> groups, int observations, int width, Function<Group, double[]> rows) {
        Sums s = GroupReduce.reduce(groups, observations, () -> new Sums(width), (acc, g) -> acc.add(rows.apply(g), g.size()),
                Sums::merge);
        return new ColumnMoments(s.n, s.mean, s.m2, s.ones);
    }

    /** A chunk's accumulator, updated in place. */
    private static final class Sums {
        private final int width;
        private long n;
        private final double[] mean;
        private final double[] m2;
        private final boolean[] ones;

        Sums(int width) {
            this.width = width;
            this.mean = new double[width];
            this.m2 = new double[width];
            this.ones = new boolean[width];
            java.util.Arrays.fill(ones, true);
        }

        /** Adds the rows of a row-major m×width array. */
        void add(double[] values, int m) {
            for (int row = 0; row < m; row++) {
                n++;
                for (int a = 0; a < width; a++) {
                    double x = values[row * width + a];
                    double delta = x - mean[a];
                    mean[a] += delta / n;
                    m2[a] += delta * (x - mean[a]);
                    ones[a] &= x == 1;
                }
            }
        }

        Sums merge(Sums b) {
            if (b.n == 0) {
                return this;
            }
            if (n == 0) {
                return b;
            }
            long total = n + b.n;
            for (int a = 0; a < width; a++) {
                double delta = b.mean[a] - mean[a];
                mean[a] += delta * b.n / total;
                m2[a] += b.m2[a] + delta * delta * ((double) n * b.n / total);
                ones[a] &= b.ones[a];
            }
            n = total;
            return this;
        }
    }
}
