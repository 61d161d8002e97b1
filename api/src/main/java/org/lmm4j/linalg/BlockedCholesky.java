package org.lmm4j.linalg;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.stream.IntStream;

/**
 * The Cholesky factor A = LL' of a large dense symmetric positive definite matrix, and the inverse of a leading block
 * of L, for the Schur complements of the crossed-terms path (docs/DESIGN.md §8). The matrix is held by rows (one array
 * per row, the lower triangle read and overwritten by L, the upper triangle left as it was).
 *
 * <p>Right-looking and blocked (Golub &amp; Van Loan, Matrix Computations, §4.2.9): a panel of {@value #PANEL} columns
 * is factored, copied transposed (one array per panel column), and the trailing triangle updated row by row, four
 * panel columns at a time: row_i[k] −= Σ_{t&lt;4} l_it panel_t[k], one stored array and four loaded ones, the form the
 * JIT compiles to vector instructions (measured: about 2.5 times the scalar rate here; a loop that stores two rows, or
 * reads and writes one array at two offsets, is left scalar). The inverse is formed the same way. Rows of the
 * trailing update, and columns of the inverse, are split among the workers of a {@link ForkJoinPool}; every entry is
 * computed by the same sequence of operations whatever the split, so the results are bit-identical for every number
 * of threads.
 */
public final class BlockedCholesky {

    /** Panel width. */
    static final int PANEL = 48;
    /** Below this order, no parallel split. */
    private static final int PARALLEL_FROM = 256;

    private BlockedCholesky() {
    }

    /**
     * Factors the n × n matrix (rows {@code a[i]}, n = a.length) in place; false when a pivot is not positive (A not
     * positive definite to rounding).
     *
     * @param parallel split the trailing updates among the common pool's workers
     */
    public static boolean factor(double[][] a, boolean parallel) {
        int n = a.length;
        double[][] panel = new double[PANEL][n];
        for (int kb = 0; kb < n; kb += PANEL) {
            int ke = Math.min(kb + PANEL, n);
            int w = ke - kb;
            // the panel: columns kb..ke−1, updated already by every earlier panel
            for (int j = kb; j < ke; j++) {
                double[] rj = a[j];
                double d = rj[j];
                for (int t = kb; t < j; t++) {
                    d -= rj[t] * rj[t];
                }
                if (!(d > 0)) {
                    return false;
                }
                double ljj = Math.sqrt(d);
                rj[j] = ljj;
                double inv = 1 / ljj;
                for (int i = j + 1; i < n; i++) {
                    double[] ri = a[i];
                    double s = ri[j];
                    for (int t = kb; t < j; t++) {
                        s -= ri[t] * rj[t];
                    }
                    ri[j] = s * inv;
                }
            }
            if (ke == n) {
                break;
            }
            // the panel transposed: panel[t][k] = L[k][kb + t] for the trailing rows k
            for (int k = ke; k < n; k++) {
                double[] rk = a[k];
                for (int t = 0; t < w; t++) {
                    panel[t][k] = rk[kb + t];
                }
            }
            if (parallel && n - ke >= PARALLEL_FROM) {
                ForkJoinPool.commonPool().invoke(new Rows(a, panel, kb, w, ke, ke, n));
            } else {
                for (int i = ke; i < n; i++) {
                    updateRow(a[i], panel, kb, w, ke, i);
                }
            }
        }
        return true;
    }

    /** A[i][k] −= Σ_t L[i][kb+t] L[k][kb+t] for ke ≤ k ≤ i. */
    private static void updateRow(double[] row, double[][] panel, int kb, int w, int ke, int i) {
        int t = 0;
        for (; t + 4 <= w; t += 4) {
            axpy4(row, panel[t], panel[t + 1], panel[t + 2], panel[t + 3], row[kb + t], row[kb + t + 1],
                    row[kb + t + 2], row[kb + t + 3], ke, i + 1);
        }
        for (; t < w; t++) {
            double lit = row[kb + t];
            double[] p = panel[t];
            for (int k = ke; k <= i; k++) {
                row[k] -= lit * p[k];
            }
        }
    }

    /** y[k] −= c0 x0[k] + c1 x1[k] + c2 x2[k] + c3 x3[k] for k in [from, to) (one stored array: vectorised). */
    private static void axpy4(double[] y, double[] x0, double[] x1, double[] x2, double[] x3, double c0, double c1,
                              double c2, double c3, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = y[k] - c0 * x0[k] - c1 * x1[k] - c2 * x2[k] - c3 * x3[k];
        }
    }

    /** The trailing update's rows split in halves of equal work (the row lengths grow with i). */
    private static final class Rows extends RecursiveAction {
        private final double[][] a;
        private final double[][] panel;
        private final int kb;
        private final int w;
        private final int ke;
        private final int from;
        private final int to;

        Rows(double[][] a, double[][] panel, int kb, int w, int ke, int from, int to) {
            this.a = a;
            this.panel = panel;
            this.kb = kb;
            this.w = w;
            this.ke = ke;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            long work = (long) (to - from) * (to + from - 2 * ke);
            if (to - from <= 16 || work < 200_000) {
                for (int i = from; i < to; i++) {
                    updateRow(a[i], panel, kb, w, ke, i);
                }
                return;
            }
            // the middle of the work: Σ_{i<m} (i − ke) = half of Σ_{i<to} (i − ke)
            double lo = from - ke;
            double hi = to - ke;
            int mid = ke + (int) Math.round(Math.sqrt((lo * lo + hi * hi) / 2));
            mid = Math.max(from + 1, Math.min(to - 1, mid));
            invokeAll(new Rows(a, panel, kb, w, ke, from, mid), new Rows(a, panel, kb, w, ke, mid, to));
        }
    }

    /**
     * The inverse X = L_d⁻¹ of the leading d × d block of a factor L (rows {@code l[i]}), returned transposed, one
     * array per column of X: {@code xt[c][i]} = X[i][c], zero for i &lt; c. Row i of X is
     * (e_i − Σ_{t&lt;i} L[i][t] X[t])/L[i][i], by the four-row axpy over the columns; columns are independent, so they
     * are split among the workers.
     */
    public static double[][] inverseTransposed(double[][] l, int d, boolean parallel) {
        double[][] x = new double[d][d];
        int chunks = parallel && d >= PARALLEL_FROM ? ForkJoinPool.commonPool().getParallelism() + 1 : 1;
        if (chunks == 1) {
            inverseColumns(l, d, x, 0, d);
        } else {
            // column c's rows run from c to d: equal work splits at c = d(1 − sqrt(1 − j/chunks)) (quadratic in c)
            int[] cut = new int[chunks + 1];
            cut[chunks] = d;
            for (int j = 1; j < chunks; j++) {
                cut[j] = (int) Math.round(d * (1 - Math.sqrt(1 - (double) j / chunks)));
            }
            IntStream.range(0, chunks).parallel().forEach(j -> inverseColumns(l, d, x, cut[j], cut[j + 1]));
        }
        double[][] xt = new double[d][d];
        for (int i = 0; i < d; i++) {
            double[] xi = x[i];
            for (int c = 0; c <= i; c++) {
                xt[c][i] = xi[c];
            }
        }
        return xt;
    }

    /** Columns [c0, c1) of X = L_d⁻¹, by rows into x. */
    private static void inverseColumns(double[][] l, int d, double[][] x, int c0, int c1) {
        for (int i = c0; i < d; i++) {
            double[] xi = x[i];
            double[] li = l[i];
            int end = Math.min(i, c1);
            // X[i][c] for c < i: −Σ_{t=c}^{i−1} L[i][t] X[t][c], four rows t at a time over their common columns c ≤ t
            int t = c0;
            for (; t + 4 <= i; t += 4) {
                int hi = Math.min(t + 1, end);
                axpy4(xi, x[t], x[t + 1], x[t + 2], x[t + 3], li[t], li[t + 1], li[t + 2], li[t + 3], c0, hi);
                // the tips: columns t+1..t+3 that only the later rows reach (X[t'][c] = 0 for c > t')
                for (int c = hi; c < Math.min(t + 4, end); c++) {
                    double v = xi[c];
                    for (int u = Math.max(t + 1, c); u < t + 4; u++) {
                        v -= li[u] * x[u][c];
                    }
                    xi[c] = v;
                }
            }
            for (; t < i; t++) {
                double lit = li[t];
                double[] xr = x[t];
                int hi = Math.min(t + 1, end);
                for (int c = c0; c < hi; c++) {
                    xi[c] -= lit * xr[c];
                }
            }
            double inv = 1 / li[i];
            for (int c = c0; c < end; c++) {
                xi[c] *= inv;
            }
            if (i < c1) {
                xi[i] = inv;
            }
        }
    }
}
