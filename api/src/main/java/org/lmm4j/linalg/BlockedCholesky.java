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

    /** Columns of the inverse solved together, so that each column of L is read once per group. */
    private static final int GROUP = 16;

    /**
     * The inverse X = L_d⁻¹ of the leading d × d block of a factor L (rows {@code l[i]}), returned transposed, one
     * array per column of X: {@code xt[c][i]} = X[i][c], zero for i &lt; c. Each column is a forward substitution by
     * columns of L (x_t /= L_tt, then x[t+1..d) −= x_t L[t+1..d][t]: a one-store axpy over a row of L'), {@value #GROUP}
     * columns at a time so that each column of L is read once per group; the groups are independent and are split
     * among the workers.
     */
    public static double[][] inverseTransposed(double[][] l, int d, boolean parallel) {
        double[][] lt = new double[d][];
        IntStream rowsOfLt = IntStream.range(0, d);
        (parallel ? rowsOfLt.parallel() : rowsOfLt).forEach(t -> {
            double[] r = new double[d];
            for (int i = t; i < d; i++) {
                r[i] = l[i][t];
            }
            lt[t] = r;
        });
        double[][] xt = new double[d][d];
        int groups = (d + GROUP - 1) / GROUP;
        IntStream g = IntStream.range(0, groups);
        (parallel && d >= PARALLEL_FROM ? g.parallel() : g).forEach(j -> inverseGroup(lt, d, xt, j * GROUP,
                Math.min(d, (j + 1) * GROUP)));
        return xt;
    }

    /**
     * Columns [c0, c1) of X = L_d⁻¹ into xt[c], from L' by rows: four pivots at a time (their 4 × 4 triangle solved,
     * then one four-column axpy over the rest), so that each stored entry serves four multiply-adds.
     */
    private static void inverseGroup(double[][] lt, int d, double[][] xt, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            xt[c][c] = 1;
        }
        int t = c0;
        for (; t + 4 <= d; t += 4) {
            double[] l0 = lt[t];
            double[] l1 = lt[t + 1];
            double[] l2 = lt[t + 2];
            double[] l3 = lt[t + 3];
            for (int c = c0; c < c1 && c <= t + 3; c++) {
                double[] x = xt[c];
                // entries before column c are zero and stay so
                double x0 = x[t] / l0[t];
                double x1 = (x[t + 1] - x0 * l0[t + 1]) / l1[t + 1];
                double x2 = (x[t + 2] - x0 * l0[t + 2] - x1 * l1[t + 2]) / l2[t + 2];
                double x3 = (x[t + 3] - x0 * l0[t + 3] - x1 * l1[t + 3] - x2 * l2[t + 3]) / l3[t + 3];
                x[t] = x0;
                x[t + 1] = x1;
                x[t + 2] = x2;
                x[t + 3] = x3;
                axpy4(x, l0, l1, l2, l3, x0, x1, x2, x3, t + 4, d);
            }
        }
        for (; t < d; t++) {
            double[] col = lt[t];
            for (int c = c0; c < c1 && c <= t; c++) {
                double[] x = xt[c];
                double v = x[t] / col[t];
                x[t] = v;
                for (int i = t + 1; i < d; i++) {
                    x[i] -= v * col[i];
                }
            }
        }
    }
}
