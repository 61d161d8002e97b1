package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.lmm4j.linalg.Vectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects a rank-deficient fixed-effects design X (docs/DESIGN.md §1: "a rank-deficient X is reported clearly, never
 * silently solved"). In column order, a column is aliased when its residual after projection on the columns kept
 * before it has norm below {@code 1e-6} times its own norm (beyond that the normal equations of GLS, whose
 * condition number is the square of X's, would keep fewer than four significant digits of β̂); the earlier columns
 * it is a combination of come from back-substitution in R of X = QR.
 *
 * <p>Shifts do not matter: when X has a constant column (the intercept), every later column with few zeros is first
 * centred, x_j − x̄_j·1, which is its exact projection off the intercept and leaves the span and the aliasing in
 * column order unchanged; a centred column is then measured against its own (centred) norm, so {@code 1e9 + t} is as
 * good a covariate as {@code t}, and only a column that is constant up to rounding (centred norm below
 * {@code 1e-13} of its norm) is aliased with the intercept.
 *
 * <p>The work is R from the Cholesky factorisation of the Gram matrix G = X'X = R'R, in column order, skipping
 * aliased columns (the squared residual of column j is the pivot d_j). G is built from the non-zeros of X (a
 * factor's dummy columns are mostly zeros), so a 2 000-level factor on 70 000 rows costs O(N + p³/3) instead of
 * modified Gram–Schmidt's O(N p²); the Cholesky factorisation is blocked, and its trailing updates run in parallel
 * over rows, each row by one thread in a fixed order, so the result does not depend on the number of threads. When a
 * pivot falls in the band where the Gram matrix's rounding could decide (d_j / G_jj within 10⁻¹⁴…10⁻⁸), the
 * decision is taken again by modified Gram–Schmidt with re-orthogonalisation on the columns themselves.
 */
final class RankCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RankCheck.class);

    /** Relative tolerance on ‖residual‖ / ‖column‖. */
    static final double TOLERANCE = 1e-6;
    /** A centred column smaller than this fraction of its norm is constant up to rounding. */
    static final double CONSTANT = 1e-13;
    /** d_j / G_jj below which (and above {@link #DOUBT_LOW}) the Gram matrix's rounding could flip a decision. */
    private static final double DOUBT_HIGH = 1e-8;
    private static final double DOUBT_LOW = 1e-14;
    /** Columns of a Cholesky panel. */
    private static final int PANEL = 48;
    /** A column is stored sparse when at most this fraction of its entries is non-zero. */
    private static final int SPARSE_RATIO = 16;

    /** An aliased column and the kept columns it is a linear combination of (empty when it is all zeros). */
    record Alias(int column, List<Integer> combinationOf) {
    }

    private RankCheck() {
    }

    /**
     * Checks the columns (each of length N, overwritten as scratch) and returns the aliased ones, in column
     * order; empty when X has full column rank.
     */
    static List<Alias> aliased(double[][] columns) {
        long start = System.nanoTime();
        Design d = Design.of(columns);
        Factor f = cholesky(d);
        boolean exact = f.doubtful;
        if (exact) {
            f = gramSchmidt(d);
        }
        LOG.debug("rank check of {} columns × {} rows ({}) in {} ms", d.p, d.n,
                exact ? "Cholesky, then Gram-Schmidt" : "Cholesky", (System.nanoTime() - start) / 1_000_000);
        List<Alias> out = new ArrayList<>();
        for (int j = 0; j < d.p; j++) {
            if (f.aliased[j]) {
                out.add(new Alias(j, combination(d, f, j)));
            }
        }
        return out;
    }

    /** The columns after centring, with what is needed to undo it: means, norms, the constant column. */
    private static final class Design {
        final int p;
        final int n;
        final double[][] x;
        /** Index of the first constant non-zero column, or −1, and its value. */
        int constant = -1;
        double constantValue;
        final boolean[] centred;
        final double[] mean;
        /** ‖x_j‖ before centring. */
        final double[] rawNorm;
        /** Row indices of the non-zeros of a sparse column; null for a dense one. */
        final int[][] nonZeros;

        private Design(double[][] x) {
            this.x = x;
            this.p = x.length;
            this.n = p == 0 ? 0 : x[0].length;
            centred = new boolean[p];
            mean = new double[p];
            rawNorm = new double[p];
            nonZeros = new int[p][];
        }

        static Design of(double[][] x) {
            Design d = new Design(x);
            for (int j = 0; j < d.p; j++) {
                double[] v = x[j];
                d.rawNorm[j] = Math.sqrt(Vectors.dot(v, v));
                if (d.constant < 0 && d.n > 0 && v[0] != 0 && isConstant(v)) {
                    d.constant = j;
                    d.constantValue = v[0];
                }
            }
            for (int j = 0; j < d.p; j++) {
                double[] v = x[j];
                int nnz = 0;
                for (double e : v) {
                    if (e != 0) {
                        nnz++;
                    }
                }
                boolean sparse = (long) nnz * SPARSE_RATIO <= d.n;
                if (d.constant >= 0 && j > d.constant && !sparse) {
                    d.centre(j);
                } else if (sparse) {
                    int[] idx = new int[nnz];
                    int k = 0;
                    for (int i = 0; i < d.n; i++) {
                        if (v[i] != 0) {
                            idx[k++] = i;
                        }
                    }
                    d.nonZeros[j] = idx;
                }
            }
            return d;
        }

        /** x_j − x̄_j with the mean refined by a second pass, so that a constant column centres to (nearly) zero. */
        private void centre(int j) {
            double[] v = x[j];
            double s = 0;
            for (double e : v) {
                s += e;
            }
            double m = s / n;
            double c = 0;
            for (double e : v) {
                c += e - m;
            }
            m += c / n;
            for (int i = 0; i < n; i++) {
                v[i] -= m;
            }
            mean[j] = m;
            centred[j] = true;
        }

        /** True when column j, centred, is constant up to rounding: aliased with the intercept. */
        boolean constantUpToRounding(int j, double centredNormSquared) {
            return centred[j] && Math.sqrt(centredNormSquared) <= CONSTANT * rawNorm[j];
        }

        private static boolean isConstant(double[] v) {
            for (double e : v) {
                if (e != v[0]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * R (upper triangle, row k holding R_k·, for the kept columns k), which columns are aliased, the squared norms
     * of the (centred) columns, and whether a decision fell in the doubtful band.
     */
    private record Factor(double[][] r, boolean[] aliased, double[] normSquared, boolean doubtful) {
    }

    // ------------------------------------------------------------------ Gram matrix and its Cholesky factor

    /** G = X'X (upper triangle) from the non-zeros: dense·dense by dot products, sparse pairs row by row. */
    static double[][] gram(double[][] x, int[][] nonZeros) {
        int p = x.length;
        int n = p == 0 ? 0 : x[0].length;
        double[][] g = new double[p][p];
        // entries involving a dense column: each (row j, column k ≥ j) by one thread, summed in row order
        IntStream.range(0, p).parallel().forEach(j -> {
            for (int k = j; k < p; k++) {
                if (nonZeros[j] == null && nonZeros[k] == null) {
                    g[j][k] = Vectors.dot(x[j], x[k]);
                } else if (nonZeros[j] == null || nonZeros[k] == null) {
                    int[] idx = nonZeros[j] != null ? nonZeros[j] : nonZeros[k];
                    double s = 0;
                    for (int i : idx) {
                        s += x[j][i] * x[k][i];
                    }
                    g[j][k] = s;
                }
            }
        });
        // sparse·sparse: walk the rows, each row's sparse entries pairwise
        int[] count = new int[n + 1];
        for (int j = 0; j < p; j++) {
            if (nonZeros[j] != null) {
                for (int i : nonZeros[j]) {
                    count[i + 1]++;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            count[i + 1] += count[i];
        }
        int[] cols = new int[count[n]];
        int[] fill = count.clone();
        for (int j = 0; j < p; j++) {
            if (nonZeros[j] != null) {
                for (int i : nonZeros[j]) {
                    cols[fill[i]++] = j;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int a = count[i]; a < count[i + 1]; a++) {
                int j = cols[a];
                double xj = x[j][i];
                for (int b = a; b < count[i + 1]; b++) {
                    int k = cols[b];
                    g[j][k] += xj * x[k][i];
                }
            }
        }
        return g;
    }

    /**
     * Blocked right-looking Cholesky factorisation G = R'R in column order, in place, skipping aliased columns: a
     * panel of columns is factored row by row (each row first receives the updates of the panel's earlier kept
     * rows), then the rows after the panel receive the panel's updates, in parallel over rows.
     */
    private static Factor cholesky(Design d) {
        int p = d.p;
        double[][] g = gram(d.x, d.nonZeros);
        double[] diag = new double[p];
        for (int j = 0; j < p; j++) {
            diag[j] = g[j][j];
        }
        boolean[] aliased = new boolean[p];
        boolean doubtful = false;
        for (int from = 0; from < p; from += PANEL) {
            int to = Math.min(p, from + PANEL);
            for (int j = from; j < to; j++) {
                double[] row = g[j];
                for (int k = from; k < j; k++) {
                    if (!aliased[k]) {
                        axpy(-g[k][j], g[k], row, j, p);
                    }
                }
                double pivot = row[j];
                boolean zero = d.rawNorm[j] == 0 || diag[j] == 0 || d.constantUpToRounding(j, diag[j]);
                if (zero || pivot <= TOLERANCE * TOLERANCE * diag[j]) {
                    aliased[j] = true;
                    doubtful |= !zero && pivot > DOUBT_LOW * diag[j];
                    continue;
                }
                doubtful |= pivot < DOUBT_HIGH * diag[j];
                double inv = 1 / Math.sqrt(pivot);
                for (int l = j; l < p; l++) {
                    row[l] *= inv;
                }
            }
            int panelStart = from;
            int panelEnd = to;
            IntStream.range(panelEnd, p).parallel().forEach(i -> {
                double[] row = g[i];
                for (int k = panelStart; k < panelEnd; k++) {
                    if (!aliased[k]) {
                        axpy(-g[k][i], g[k], row, i, p);
                    }
                }
            });
        }
        return new Factor(g, aliased, diag, doubtful);
    }

    // ------------------------------------------------------------------ the exact fallback

    /** Modified Gram–Schmidt with re-orthogonalisation on the (centred) columns: 2·N·p² flops, exact to rounding. */
    private static Factor gramSchmidt(Design d) {
        int p = d.p;
        double[][] columns = d.x;
        double[] norms2 = new double[p];
        double[][] r = new double[p][p];
        boolean[] aliased = new boolean[p];
        int[] kept = new int[p];
        int rank = 0;
        for (int j = 0; j < p; j++) {
            double[] v = columns[j];
            double norm0sq = Vectors.dot(v, v);
            norms2[j] = norm0sq;
            for (int pass = 0; pass < 2; pass++) {
                for (int a = 0; a < rank; a++) {
                    int k = kept[a];
                    double c = Vectors.dot(columns[k], v);
                    r[k][j] += c;
                    axpy(-c, columns[k], v, 0, v.length);
                }
            }
            double norm = Math.sqrt(Vectors.dot(v, v));
            if (d.rawNorm[j] == 0 || norm0sq == 0 || d.constantUpToRounding(j, norm0sq)
                    || norm <= TOLERANCE * Math.sqrt(norm0sq)) {
                aliased[j] = true;
                continue;
            }
            r[j][j] = norm;
            double inv = 1.0 / norm;
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
            kept[rank++] = j;
        }
        return new Factor(r, aliased, norms2, false);
    }

    // ------------------------------------------------------------------ naming the combination

    /**
     * Solves R c = r_j over the kept columns before j and lists those with a coefficient that matters. For a centred
     * column the intercept's coefficient is recovered from the means: x_j = (x̄_j − Σ_k c_k x̄_k)·1/a + Σ_k c_k x_k
     * (k over the centred kept columns, a the constant column's value).
     */
    private static List<Integer> combination(Design d, Factor f, int j) {
        List<Integer> names = new ArrayList<>();
        if (d.rawNorm[j] == 0) {
            return names;
        }
        double[][] r = f.r();
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < j; k++) {
            if (!f.aliased()[k]) {
                kept.add(k);
            }
        }
        int rank = kept.size();
        double[] c = new double[rank];
        boolean constantColumn = d.constantUpToRounding(j, f.normSquared()[j]);
        for (int a = rank - 1; a >= 0; a--) {
            int k = kept.get(a);
            double s = constantColumn ? 0 : r[k][j];
            for (int b = a + 1; b < rank; b++) {
                s -= r[k][kept.get(b)] * c[b];
            }
            c[a] = s / r[k][k];
        }
        // c: the coefficients of the (centred) column j on the kept (centred) columns; undo the centring
        double intercept = Double.NaN;
        if (d.constant >= 0 && d.constant < j) {
            double m = d.centred[j] ? d.mean[j] : 0;
            int ic = -1;
            for (int a = 0; a < rank; a++) {
                int k = kept.get(a);
                if (k == d.constant) {
                    ic = a;
                } else if (d.centred[k]) {
                    m -= c[a] * d.mean[k];
                }
            }
            intercept = (ic >= 0 ? c[ic] : 0) + m / d.constantValue;
        }
        double scale = constantColumn ? d.rawNorm[j] : Math.sqrt(f.normSquared()[j]);
        for (int a = 0; a < rank; a++) {
            int k = kept.get(a);
            if (k == d.constant) {
                if (Math.abs(intercept) * d.rawNorm[k] > 1e-7 * d.rawNorm[j]) {
                    names.add(k);
                }
            } else if (Math.abs(c[a]) * Math.sqrt(f.normSquared()[k]) > 1e-7 * scale) {
                names.add(k);
            }
        }
        return names;
    }

    /** y[from..to) += alpha·x[from..to). */
    private static void axpy(double alpha, double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }
}
