package org.lmm4j.linalg;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The Cholesky factor A = LL' of a large dense symmetric positive definite matrix, and the inverse of a leading block
 * of L, for the Schur complements of the crossed-terms path (docs/DESIGN.md §8). Row-major n × n storage, the lower
 * triangle read and overwritten by L (the upper triangle is left as it was).
 *
 * <p>Right-looking and blocked (Golub &amp; Van Loan, Matrix Computations, §4.2.9): a panel of {@value #PANEL} columns
 * is factored, copied transposed, and the trailing triangle updated row by row by axpy operations on contiguous
 * segments, which the JIT compiles to vector instructions (the {@link Cholesky} of the small per-group matrices uses
 * dot products, which it does not). Rows of the trailing update, and columns of the inverse, are split among the
 * workers of a {@link ForkJoinPool}; each entry is computed by the same sequence of operations whatever the split,
 * so the results are bit-identical for every number of threads.
 */
public final class BlockedCholesky {

    /** Panel width. */
    static final int PANEL = 48;
    /** Below this order, no parallel split. */
    private static final int PARALLEL_FROM = 256;

    private BlockedCholesky() {
    }

    /**
     * Factors the n × n matrix in place; false when a pivot is not positive (A not positive definite to rounding).
     *
     * @param parallel split the trailing updates among the common pool's workers
     */
    public static boolean factor(double[] a, int n, boolean parallel) {
        double[] panel = new double[PANEL * n];
        for (int kb = 0; kb < n; kb += PANEL) {
            int ke = Math.min(kb + PANEL, n);
            int w = ke - kb;
            // the panel: columns kb..ke−1, updated already by every earlier panel
            for (int j = kb; j < ke; j++) {
                int rj = j * n;
                double d = a[rj + j];
                for (int t = kb; t < j; t++) {
                    d -= a[rj + t] * a[rj + t];
                }
                if (!(d > 0)) {
                    return false;
                }
                double ljj = Math.sqrt(d);
                a[rj + j] = ljj;
                double inv = 1 / ljj;
                for (int i = j + 1; i < n; i++) {
                    int ri = i * n;
                    double s = a[ri + j];
                    for (int t = kb; t < j; t++) {
                        s -= a[ri + t] * a[rj + t];
                    }
                    a[ri + j] = s * inv;
                }
            }
            if (ke == n) {
                break;
            }
            // the panel transposed: panel[t * n + k] = L[k][kb + t] for the trailing rows k
            for (int k = ke; k < n; k++) {
                int rk = k * n + kb;
                for (int t = 0; t < w; t++) {
                    panel[t * n + k] = a[rk + t];
                }
            }
            update(a, n, panel, kb, w, ke, n, parallel && n - ke >= PARALLEL_FROM);
        }
        return true;
    }

    /** A[i][k] −= Σ_t L[i][kb+t] L[k][kb+t] for ke ≤ k ≤ i, rows i in [from, to). */
    private static void update(double[] a, int n, double[] panel, int kb, int w, int ke, int to, boolean parallel) {
        if (parallel) {
            ForkJoinPool.commonPool().invoke(new Rows(a, n, panel, kb, w, ke, ke, to));
            return;
        }
        updateRows(a, n, panel, kb, w, ke, ke, to);
    }

    /** Rows [from, to) of the trailing update, two at a time (each panel load serves both rows). */
    private static void updateRows(double[] a, int n, double[] panel, int kb, int w, int ke, int from, int to) {
        int i = from;
        for (; i + 1 < to; i += 2) {
            updatePair(a, n, panel, kb, w, ke, i);
        }
        if (i < to) {
            updateRow(a, n, panel, kb, w, ke, i);
        }
    }

    /** Rows i and i + 1: columns ke..i of both by 2 × 4 blocks, then the last entry of row i + 1. */
    private static void updatePair(double[] a, int n, double[] panel, int kb, int w, int ke, int i) {
        int ri = i * n;
        int rj = ri + n;
        int t = 0;
        for (; t + 4 <= w; t += 4) {
            double a0 = a[ri + kb + t];
            double a1 = a[ri + kb + t + 1];
            double a2 = a[ri + kb + t + 2];
            double a3 = a[ri + kb + t + 3];
            double b0 = a[rj + kb + t];
            double b1 = a[rj + kb + t + 1];
            double b2 = a[rj + kb + t + 2];
            double b3 = a[rj + kb + t + 3];
            int p0 = t * n;
            int p1 = p0 + n;
            int p2 = p1 + n;
            int p3 = p2 + n;
            for (int k = ke; k <= i; k++) {
                double x0 = panel[p0 + k];
                double x1 = panel[p1 + k];
                double x2 = panel[p2 + k];
                double x3 = panel[p3 + k];
                a[ri + k] = a[ri + k] - a0 * x0 - a1 * x1 - a2 * x2 - a3 * x3;
                a[rj + k] = a[rj + k] - b0 * x0 - b1 * x1 - b2 * x2 - b3 * x3;
            }
            int k = i + 1;
            a[rj + k] = a[rj + k] - b0 * panel[p0 + k] - b1 * panel[p1 + k] - b2 * panel[p2 + k] - b3 * panel[p3 + k];
        }
        for (; t < w; t++) {
            double lit = a[ri + kb + t];
            double ljt = a[rj + kb + t];
            int pt = t * n;
            for (int k = ke; k <= i; k++) {
                double x = panel[pt + k];
                a[ri + k] -= lit * x;
                a[rj + k] -= ljt * x;
            }
            a[rj + i + 1] -= ljt * panel[pt + i + 1];
        }
    }

    private static void updateRow(double[] a, int n, double[] panel, int kb, int w, int ke, int i) {
        int ri = i * n;
        int t = 0;
        // four panel columns at a time: row i's segment is loaded and stored once per four rank-one updates
        for (; t + 4 <= w; t += 4) {
            double l0 = a[ri + kb + t];
            double l1 = a[ri + kb + t + 1];
            double l2 = a[ri + kb + t + 2];
            double l3 = a[ri + kb + t + 3];
            int p0 = t * n;
            int p1 = p0 + n;
            int p2 = p1 + n;
            int p3 = p2 + n;
            for (int k = ke; k <= i; k++) {
                a[ri + k] = a[ri + k] - l0 * panel[p0 + k] - l1 * panel[p1 + k] - l2 * panel[p2 + k]
                        - l3 * panel[p3 + k];
            }
        }
        for (; t < w; t++) {
            double lit = a[ri + kb + t];
            int pt = t * n;
            for (int k = ke; k <= i; k++) {
                a[ri + k] -= lit * panel[pt + k];
            }
        }
    }

    /** The trailing update's rows split in halves of equal work (the row lengths grow with i). */
    private static final class Rows extends RecursiveAction {
        private final double[] a;
        private final double[] panel;
        private final int n;
        private final int kb;
        private final int w;
        private final int ke;
        private final int from;
        private final int to;

        Rows(double[] a, int n, double[] panel, int kb, int w, int ke, int from, int to) {
            this.a = a;
            this.n = n;
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
                updateRows(a, n, panel, kb, w, ke, from, to);
                return;
            }
            // the middle of the work: Σ_{i<m} (i − ke) = half of Σ_{i<to} (i − ke)
            double lo = from - ke;
            double hi = to - ke;
            int mid = ke + (int) Math.round(Math.sqrt((lo * lo + hi * hi) / 2));
            mid = Math.max(from + 1, Math.min(to - 1, mid));
            mid -= (mid - from) % 2; // pairs start where they would without the split: the same operations
            invokeAll(new Rows(a, n, panel, kb, w, ke, from, mid), new Rows(a, n, panel, kb, w, ke, mid, to));
        }
    }

    /**
     * The inverse X = L_d⁻¹ of the leading d × d block of a factor L (row-major, stride n), returned transposed and
     * row-major: {@code xt[c * d + i]} = X[i][c], zero for i &lt; c. Row i of X is (e_i − Σ_{t&lt;i} L[i][t] X[t])/L[i][i],
     * by axpy operations over the columns; columns are independent, so they are split among the workers.
     */
    public static double[] inverseTransposed(double[] l, int n, int d, boolean parallel) {
        double[] x = new double[d * d];
        int chunks = parallel && d >= PARALLEL_FROM ? Math.max(1, ForkJoinPool.commonPool().getParallelism() + 1) : 1;
        if (chunks == 1) {
            inverseColumns(l, n, d, x, 0, d);
        } else {
            // column c's rows run from c to d: equal work splits at c = d(1 − sqrt(1 − j/chunks)) (quadratic in c)
            int[] cut = new int[chunks + 1];
            cut[chunks] = d;
            for (int j = 1; j < chunks; j++) {
                cut[j] = (int) Math.round(d * (1 - Math.sqrt(1 - (double) j / chunks)));
            }
            java.util.stream.IntStream.range(0, chunks).parallel()
                    .forEach(j -> inverseColumns(l, n, d, x, cut[j], cut[j + 1]));
        }
        // x holds X row-major; transpose in place into X' (columns of X as rows)
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < i; c++) {
                double v = x[i * d + c];
                x[i * d + c] = x[c * d + i];
                x[c * d + i] = v;
            }
        }
        return x;
    }

    /** Columns [c0, c1) of X = L_d⁻¹, row-major into x. */
    private static void inverseColumns(double[] l, int n, int d, double[] x, int c0, int c1) {
        for (int i = c0; i < d; i++) {
            int ri = i * d;
            int li = i * n;
            int end = Math.min(i, c1);
            // X[i][c] for c < i: −Σ_{t=c}^{i−1} L[i][t] X[t][c], four rows t at a time over their common columns c ≤ t
            int t = c0;
            for (; t + 4 <= i; t += 4) {
                double l0 = l[li + t];
                double l1 = l[li + t + 1];
                double l2 = l[li + t + 2];
                double l3 = l[li + t + 3];
                int r0 = t * d;
                int r1 = r0 + d;
                int r2 = r1 + d;
                int r3 = r2 + d;
                int hi = Math.min(t + 1, end);
                for (int c = c0; c < hi; c++) {
                    x[ri + c] = x[ri + c] - l0 * x[r0 + c] - l1 * x[r1 + c] - l2 * x[r2 + c] - l3 * x[r3 + c];
                }
                // the tips: columns t+1..t+3 that only the later rows reach
                for (int c = hi; c < Math.min(t + 2, end); c++) {
                    x[ri + c] = x[ri + c] - l1 * x[r1 + c] - l2 * x[r2 + c] - l3 * x[r3 + c];
                }
                for (int c = Math.max(hi, t + 2); c < Math.min(t + 3, end); c++) {
                    x[ri + c] = x[ri + c] - l2 * x[r2 + c] - l3 * x[r3 + c];
                }
                for (int c = Math.max(hi, t + 3); c < Math.min(t + 4, end); c++) {
                    x[ri + c] = x[ri + c] - l3 * x[r3 + c];
                }
            }
            for (; t < i; t++) {
                double lit = l[li + t];
                int rt = t * d;
                int hi = Math.min(t + 1, end);
                for (int c = c0; c < hi; c++) {
                    x[ri + c] -= lit * x[rt + c];
                }
            }
            double inv = 1 / l[li + i];
            for (int c = c0; c < end; c++) {
                x[ri + c] *= inv;
            }
            if (i < c1) {
                x[ri + i] = inv;
            }
        }
    }
}
