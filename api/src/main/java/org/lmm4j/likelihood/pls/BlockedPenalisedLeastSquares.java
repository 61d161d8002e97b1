package org.lmm4j.likelihood.pls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.lmm4j.linalg.BlockedCholesky;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * The penalised least squares system of {@link PenalisedLeastSquares}, for large crossed designs, factored in blocks
 * (Bates, Mächler, Bolker and Walker 2015, J. Stat. Softw. 67(1), §3; MixedModels.jl's blocked L; docs/DESIGN.md §8).
 *
 * <p>The terms are ordered by their number of levels, largest first (term 1). With u = (u_1, u_2), u_1 term 1's
 * random effects and "2" everything else (the other terms' effects, then X and y), the augmented matrix
 * <pre>
 *   [ D   B  ]    D = blockdiag_l (Λ_1'(Z_1'Z_1)_l Λ_1 + I)  (q_1 × q_1 per level l of term 1),
 *   [ B'  C  ]    B = Λ_1'Z_1'[Z_2Λ_2  X  y],  C = [Z_2Λ_2 X y]'[Z_2Λ_2 X y] + blockdiag(I, 0, 0),
 * </pre>
 * has D block-diagonal (two levels of one factor never share a row), and the rows of B of a level l are sparse (the
 * levels of the other terms met in l's rows: a student rates some 24 instructors). Its Cholesky factor is
 * L_l = chol(D_l) per level, L_21 = B'L_1'⁻¹ (sparse like B), and the dense factor L_22 of the Schur complement
 * S = C − Σ_l B_l'D_l⁻¹B_l, formed by rank-q_1 updates over each level's nonzeros and factored by
 * {@link BlockedCholesky}. The profiled −2 log L is that of {@link PenalisedLeastSquares}:
 * log|L_θ|² = Σ_l log det D_l + log|L_22,u|², r² the last pivot of L_22 squared, log|R_X|² from the X pivots.
 *
 * <p>The same factor gives what the gradient needs ({@link #evaluate} with {@code moments}): the solution
 * (û, β̂) of the system, and for each term the sum over its levels of the diagonal q_k × q_k blocks of the inverse of
 * the leading system, M⁻¹ with M = Λ'Z'ZΛ + I for ML, and the u-block of [M, Λ'Z'X; X'ZΛ, X'X]⁻¹ for REML. For a
 * level of a later term they are blocks of S_d⁻¹ = X'X with X = L_22,d⁻¹ (d = Q_2, or Q_2 + p for REML); for a
 * level l of term 1, (·)_ll = D_l⁻¹ + Y_l'Y_l with Y_l = L_22,d⁻¹ B_l,d' D_l⁻¹ (B_l,d: the first d columns of B_l).
 *
 * <p>The cross-products of [Z X y] are accumulated once from the level codes: D and B level by level, C densely;
 * nothing N × N or N × Q is formed. Arrays are primitive; the dense work is split among the common pool's workers
 * when asked, with bit-identical results ({@link BlockedCholesky}; sums over levels in a fixed order).
 */
public final class BlockedPenalisedLeastSquares {

    /** {@link #evaluate}: the value only. */
    public static final int VALUE = 0;
    /** {@link #evaluate}: the value and the solution (û, β̂), (R_X'R_X)⁻¹. */
    public static final int SOLUTION = 1;
    /** {@link #evaluate}: the value, the solution and the inverse blocks. */
    public static final int INVERSE = 2;

    /** The frame's terms in factor order (most levels first). */
    private final List<RandomEffectsTerm> terms;
    /** For each term in factor order, its index in the frame. */
    private final int[] frameIndex;
    private final int n;
    private final int p;
    private final int q1;
    private final int levels1;
    /** Q_2, the random effects of the later terms. */
    private final int q2;
    /** m = Q_2 + p + 1, the order of the dense block. */
    private final int m;
    /** Per later term (factor order, from 1), its first column in the dense block. */
    private final int[] offset;
    /** Per column of the dense block: its term (factor order) for the Q_2 columns, −1 for X and y. */
    private final int[] termOfColumn;
    /** (Z_1'Z_1)_l, q_1 × q_1 per level, row-major. */
    private final double[] d0;
    /** Per level of term 1: its sparse columns of the dense block (sorted, whole q_k blocks) and q_1 × nnz values. */
    private final int[][] bCols;
    private final double[][] b0;
    /** C without the identity, m × m row-major, lower triangle. */
    private final double[] c0;

    /** Accumulates the cross-products of the frame's [Z X y], the terms taken in factor order. */
    public BlockedPenalisedLeastSquares(ModelFrame frame) {
        List<RandomEffectsTerm> frameTerms = frame.terms();
        if (frameTerms.isEmpty()) {
            throw new IllegalArgumentException("a frame without random terms");
        }
        Integer[] order = new Integer[frameTerms.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(frameTerms.get(b).levelCount(), frameTerms.get(a).levelCount()));
        this.frameIndex = new int[order.length];
        List<RandomEffectsTerm> sorted = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            frameIndex[k] = order[k];
            sorted.add(frameTerms.get(order[k]));
        }
        this.terms = List.copyOf(sorted);
        this.n = frame.observations();
        this.p = frame.p();
        RandomEffectsTerm first = terms.get(0);
        this.q1 = first.q();
        this.levels1 = first.levelCount();
        this.offset = new int[terms.size()];
        int col = 0;
        for (int k = 1; k < terms.size(); k++) {
            offset[k] = col;
            col += terms.get(k).levelCount() * terms.get(k).q();
        }
        this.q2 = col;
        this.m = q2 + p + 1;
        this.termOfColumn = new int[m];
        Arrays.fill(termOfColumn, -1);
        for (int k = 1; k < terms.size(); k++) {
            Arrays.fill(termOfColumn, offset[k], offset[k] + terms.get(k).levelCount() * terms.get(k).q(), k);
        }
        long dense = (long) m * m;
        if (dense > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the dense block would have order " + m);
        }
        this.d0 = new double[levels1 * q1 * q1];
        this.c0 = new double[m * m];
        this.bCols = new int[levels1][];
        this.b0 = new double[levels1][];
        accumulate(frame);
    }

    private void accumulate(ModelFrame frame) {
        RandomEffectsTerm first = terms.get(0);
        int[] lev1 = first.levelOfRow();
        int width = 0;
        for (int k = 1; k < terms.size(); k++) {
            width += terms.get(k).q();
        }
        width += p + 1;
        int[] col = new int[width];
        double[] val = new double[width];
        double[] x = frame.x();
        double[] y = frame.y();
        // rows by level of term 1 (counting sort, file order within a level)
        int[] start = new int[levels1 + 1];
        for (int lv : lev1) {
            start[lv + 1]++;
        }
        for (int l = 0; l < levels1; l++) {
            start[l + 1] += start[l];
        }
        int[] rows = new int[n];
        int[] fill = start.clone();
        for (int j = 0; j < n; j++) {
            rows[fill[lev1[j]]++] = j;
        }
        double[] acc = new double[m * q1];
        boolean[] touched = new boolean[m];
        int[] touchedList = new int[m];
        for (int l = 0; l < levels1; l++) {
            int nt = 0;
            for (int r = start[l]; r < start[l + 1]; r++) {
                int j = rows[r];
                int e = PenalisedLeastSquares.sparseRow(terms, 1, offset, x, y, p, j, q2, col, val);
                // C: the row's outer product, lower triangle
                for (int a = 0; a < e; a++) {
                    int ra = col[a] * m;
                    double va = val[a];
                    for (int b = 0; b < e; b++) {
                        if (col[b] <= col[a]) {
                            c0[ra + col[b]] += va * val[b];
                        }
                    }
                }
                // D_l and B_l
                double[] z1 = first.z();
                for (int a = 0; a < q1; a++) {
                    double za = z1[j * q1 + a];
                    for (int b = 0; b < q1; b++) {
                        d0[(l * q1 + a) * q1 + b] += za * z1[j * q1 + b];
                    }
                    for (int c = 0; c < e; c++) {
                        acc[col[c] * q1 + a] += za * val[c];
                    }
                }
                for (int c = 0; c < e; c++) {
                    if (!touched[col[c]]) {
                        touched[col[c]] = true;
                        touchedList[nt++] = col[c];
                    }
                }
            }
            // whole q_k blocks of the later terms, so that Λ_k acts within the stored columns
            int extra = 0;
            int[] more = new int[0];
            for (int i = 0; i < nt; i++) {
                int c = touchedList[i];
                int k = termOfColumn[c];
                if (k > 0) {
                    int qk = terms.get(k).q();
                    int b0c = offset[k] + (c - offset[k]) / qk * qk;
                    for (int a = 0; a < qk; a++) {
                        if (!touched[b0c + a]) {
                            touched[b0c + a] = true;
                            if (extra == more.length) {
                                more = Arrays.copyOf(more, Math.max(4, 2 * extra));
                            }
                            more[extra++] = b0c + a;
                        }
                    }
                }
            }
            int[] cols = new int[nt + extra];
            System.arraycopy(touchedList, 0, cols, 0, nt);
            System.arraycopy(more, 0, cols, nt, extra);
            Arrays.sort(cols);
            double[] vals = new double[q1 * cols.length];
            for (int i = 0; i < cols.length; i++) {
                int c = cols[i];
                for (int a = 0; a < q1; a++) {
                    vals[a * cols.length + i] = acc[c * q1 + a];
                    acc[c * q1 + a] = 0;
                }
                touched[c] = false;
            }
            bCols[l] = cols;
            b0[l] = vals;
        }
    }

    /** N. */
    public int observations() {
        return n;
    }

    /** Q, the number of random effects. */
    public int randomEffects() {
        return levels1 * q1 + q2;
    }

    /** The order of the dense Schur complement, Q_2 + p + 1. */
    public int denseOrder() {
        return m;
    }

    /** The frame index of the term factored first (block-diagonal). */
    public int firstTerm() {
        return frameIndex[0];
    }

    /** The number of nonzero columns of B, Σ_l nnz(B_l). */
    public long offDiagonalNonzeros() {
        long s = 0;
        for (int[] c : bCols) {
            s += c.length;
        }
        return s;
    }

    /**
     * lme4's profiled −2 log L (devfun) at θ in {@link PenalisedLeastSquares}' convention (per frame term, the lower
     * triangle of Λ_k by columns); +∞ when the system is not positive definite.
     */
    public double minus2LogLik(double[] theta, boolean reml) {
        double[][] lambda = new double[terms.size()][];
        List<double[]> byFrame = new ArrayList<>();
        int e = 0;
        int count = frameIndex.length;
        RandomEffectsTerm[] frameTerms = new RandomEffectsTerm[count];
        for (int k = 0; k < count; k++) {
            frameTerms[frameIndex[k]] = terms.get(k);
        }
        for (int f = 0; f < count; f++) {
            int qk = frameTerms[f].q();
            double[] lam = new double[qk * qk];
            for (int c = 0; c < qk; c++) {
                for (int r = c; r < qk; r++) {
                    lam[r * qk + c] = theta[e++];
                }
            }
            byFrame.add(lam);
        }
        if (e != theta.length) {
            throw new IllegalArgumentException("θ has " + theta.length + " entries, the terms need " + e);
        }
        for (int k = 0; k < count; k++) {
            lambda[k] = byFrame.get(frameIndex[k]);
        }
        Evaluation ev = evaluate(lambda, reml, VALUE, false);
        return ev == null ? Double.POSITIVE_INFINITY : ev.minus2LogLik(reml);
    }

    /**
     * What one factorisation gives.
     *
     * @param logDetM   log det(Λ'Z'ZΛ + I) = log|L_θ|²
     * @param logDetRx  log|R_X|² (R_X'R_X = X'X − X'ZΛM⁻¹Λ'Z'X = σ² X'V⁻¹X)
     * @param prss      r², the penalised residual sum of squares at (û, β̂)
     * @param beta      β̂ (null unless moments were asked)
     * @param covBetaUnscaled (R_X'R_X)⁻¹, p × p row-major (null unless moments were asked)
     * @param u         û per term in factor order, levels × q_k row-major (null unless moments were asked)
     * @param inverseBlocks Σ over the term's levels of the q_k × q_k diagonal blocks of M⁻¹ (ML) or of the u-block
     *                  of the leading system's inverse (REML), per term in factor order (null unless asked)
     */
    public record Evaluation(double logDetM, double logDetRx, double prss, int n, int p, double[] beta,
                             double[] covBetaUnscaled, double[][] u, double[][] inverseBlocks) {

        /** −2 log L (ML) or −2 log L_R (REML), lme4's devfun. */
        public double minus2LogLik(boolean reml) {
            double df = reml ? n - p : n;
            return logDetM + (reml ? logDetRx : 0) + df * (1 + Math.log(2 * Math.PI * prss / df));
        }
    }

    /**
     * The factorisation at the relative factors Λ_k (per term in factor order, q_k × q_k row-major, any square
     * factor with Ω_k = σ²Λ_kΛ_k'); null when the system is not positive definite.
     *
     * @param reml     whose inverse blocks: M⁻¹ (ML) or the u-block of the inverse with X (REML)
     * @param level    {@link #VALUE}, {@link #SOLUTION} (also (û, β̂) and (R_X'R_X)⁻¹) or {@link #INVERSE} (also the
     *                 inverse blocks: the gradient's needs)
     * @param parallel split the dense work among the common pool's workers
     */
    public Evaluation evaluate(double[][] lambda, boolean reml, int level, boolean parallel) {
        double[] l1 = lambda[0];
        // D_l = Λ_1'D0_lΛ_1 + I, factored per level; W_l = L_l⁻¹ B_l (q_1 × nnz) with B_l = Λ_1'B0_lΛ_2
        double[] dl = new double[levels1 * q1 * q1];
        double[][] w = new double[levels1][];
        double logDetM = 0;
        double[] scale = columnScale(lambda);
        double[] tmp = new double[q1 * q1];
        for (int l = 0; l < levels1; l++) {
            int o = l * q1 * q1;
            congruence(d0, o, l1, q1, dl, tmp);
            for (int a = 0; a < q1; a++) {
                dl[o + a * q1 + a] += 1;
            }
            if (!smallCholesky(dl, o, q1)) {
                return null;
            }
            for (int a = 0; a < q1; a++) {
                logDetM += 2 * Math.log(dl[o + a * q1 + a]);
            }
            w[l] = scaledB(l, l1, lambda, scale);
            forwardSmall(dl, o, q1, w[l], bCols[l].length);
        }
        // S = C − Σ_l W_l'W_l (lower triangle), then the dense factor
        double[][] s = denseC(lambda, scale);
        for (int l = 0; l < levels1; l++) {
            int[] cols = bCols[l];
            int nnz = cols.length;
            double[] wl = w[l];
            for (int a = 0; a < q1; a++) {
                int ra = a * nnz;
                for (int i = 0; i < nnz; i++) {
                    double wi = wl[ra + i];
                    if (wi == 0) {
                        continue;
                    }
                    double[] row = s[cols[i]];
                    for (int j = 0; j <= i; j++) {
                        row[cols[j]] -= wi * wl[ra + j];
                    }
                }
            }
        }
        if (!BlockedCholesky.factor(s, parallel)) {
            return null;
        }
        for (int i = 0; i < q2; i++) {
            logDetM += 2 * Math.log(s[i][i]);
        }
        double logDetRx = 0;
        for (int i = q2; i < q2 + p; i++) {
            logDetRx += 2 * Math.log(s[i][i]);
        }
        double r = s[m - 1][m - 1];
        double prss = r * r;
        if (level == VALUE) {
            return new Evaluation(logDetM, logDetRx, prss, n, p, null, null, null, null);
        }
        return withMoments(dl, w, s, logDetM, logDetRx, prss, reml, level == INVERSE, parallel);
    }

    private Evaluation withMoments(double[] dl, double[][] w, double[][] s, double logDetM, double logDetRx, double prss,
                                   boolean reml, boolean inverse, boolean parallel) {
        int lead = m - 1;
        // (û_2, β̂): back-substitution L_22,lead' x = (last row of L_22)
        double[] x = new double[lead];
        for (int i = 0; i < lead; i++) {
            x[i] = s[m - 1][i];
        }
        for (int i = lead - 1; i >= 0; i--) {
            double v = x[i];
            for (int k = i + 1; k < lead; k++) {
                v -= s[k][i] * x[k];
            }
            x[i] = v / s[i][i];
        }
        double[] beta = Arrays.copyOfRange(x, q2, q2 + p);
        // û_1 per level: L_l' û_l = (W_l's y column) − W_l,lead x
        double[][] u = new double[terms.size()][];
        u[0] = new double[levels1 * q1];
        double[] rhs = new double[q1];
        for (int l = 0; l < levels1; l++) {
            int[] cols = bCols[l];
            int nnz = cols.length;
            for (int a = 0; a < q1; a++) {
                double v = 0;
                for (int i = 0; i < nnz; i++) {
                    double wi = w[l][a * nnz + i];
                    v += cols[i] == m - 1 ? wi : -wi * x[cols[i]];
                }
                rhs[a] = v;
            }
            backwardSmall(dl, l * q1 * q1, q1, rhs);
            System.arraycopy(rhs, 0, u[0], l * q1, q1);
        }
        for (int k = 1; k < terms.size(); k++) {
            int width = terms.get(k).levelCount() * terms.get(k).q();
            u[k] = Arrays.copyOfRange(x, offset[k], offset[k] + width);
        }
        // (R_X'R_X)⁻¹ from the X block of the factor
        double[] rx = new double[p * p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b <= a; b++) {
                rx[a * p + b] = s[q2 + a][q2 + b];
            }
        }
        double[] cov = org.lmm4j.linalg.Cholesky.inverse(rx, p);
        if (!inverse) {
            return new Evaluation(logDetM, logDetRx, prss, n, p, beta, cov, u, null);
        }
        // inverse blocks from X' = (L_22,d⁻¹)'
        int d = reml ? q2 + p : q2;
        double[][] xt = BlockedCholesky.inverseTransposed(s, d, parallel);
        double[][] blocks = new double[terms.size()][];
        for (int k = 1; k < terms.size(); k++) {
            int qk = terms.get(k).q();
            double[] sum = new double[qk * qk];
            for (int lv = 0; lv < terms.get(k).levelCount(); lv++) {
                int c0col = offset[k] + lv * qk;
                for (int a = 0; a < qk; a++) {
                    for (int b = 0; b <= a; b++) {
                        // (S_d⁻¹)_{ca,cb} = Σ_i X[i][ca] X[i][cb] = row ca of X' · row cb of X' (from the larger index)
                        double[] ra = xt[c0col + a];
                        double[] rb = xt[c0col + b];
                        double v = 0;
                        for (int i = c0col + a; i < d; i++) {
                            v += ra[i] * rb[i];
                        }
                        sum[a * qk + b] += v;
                    }
                }
            }
            symmetrise(sum, qk);
            blocks[k] = sum;
        }
        // term 1: Σ_l [D_l⁻¹ + Y_l'Y_l], Y_l = X B_l,d' D_l⁻¹ = X W_l,d' L_l'⁻¹... computed as Z_l = X W_l,d' (d × q_1),
        // then L_l⁻¹(Z_l'Z_l)L_l'⁻¹ since D_l⁻¹B_l' = L_l'⁻¹W_l'
        double[][] perLevel = new double[levels1][];
        // levels in chunks, each with one scratch Z (q_1 × d) reused level after level
        int chunks = parallel ? 8 : 1;
        IntStream range = IntStream.range(0, chunks);
        (parallel ? range.parallel() : range).forEach(j -> {
            double[][] z = new double[q1][d];
            for (int l = j * levels1 / chunks; l < (j + 1) * levels1 / chunks; l++) {
                perLevel[l] = firstTermBlock(l, dl, w[l], xt, d, z);
            }
        });
        double[] sum1 = new double[q1 * q1];
        for (int l = 0; l < levels1; l++) {
            for (int e = 0; e < q1 * q1; e++) {
                sum1[e] += perLevel[l][e];
            }
        }
        blocks[0] = sum1;
        return new Evaluation(logDetM, logDetRx, prss, n, p, beta, cov, u, blocks);
    }

    /** D_l⁻¹ + Y_l'Y_l for level l of term 1 (q_1 × q_1); {@code z} is scratch (q_1 × d). */
    private double[] firstTermBlock(int l, double[] dl, double[] wl, double[][] xt, int d, double[][] z) {
        int[] cols = bCols[l];
        int nnz = cols.length;
        int o = l * q1 * q1;
        for (double[] za : z) {
            java.util.Arrays.fill(za, 0);
        }
        for (int a = 0; a < q1; a++) {
            double[] za = z[a];
            int i = 0;
            // four columns of X at a time (one stored array: vectorised)
            int last = 0;
            while (last < nnz && cols[last] < d) {
                last++;
            }
            for (; i + 4 <= last; i += 4) {
                axpy4(za, xt[cols[i]], xt[cols[i + 1]], xt[cols[i + 2]], xt[cols[i + 3]], wl[a * nnz + i],
                        wl[a * nnz + i + 1], wl[a * nnz + i + 2], wl[a * nnz + i + 3], cols[i], d);
            }
            for (; i < last; i++) {
                double wi = wl[a * nnz + i];
                double[] xc = xt[cols[i]];
                for (int t = cols[i]; t < d; t++) {
                    za[t] += wi * xc[t];
                }
            }
        }
        // G = Z'Z (q_1 × q_1), then L_l⁻¹ (I + G) L_l'⁻¹ = D_l⁻¹ + D_l⁻¹B_l S_d⁻¹ B_l'D_l⁻¹
        double[] g = new double[q1 * q1];
        for (int a = 0; a < q1; a++) {
            for (int b = 0; b <= a; b++) {
                double v = 0;
                for (int t = 0; t < d; t++) {
                    v += z[a][t] * z[b][t];
                }
                g[a * q1 + b] = v;
                g[b * q1 + a] = v;
            }
            g[a * q1 + a] += 1;
        }
        // H = L_l'⁻¹ applied on both sides: first solve L_l' X = G (columns), then X L_l⁻¹ ... as L_l'⁻¹ G L_l⁻¹
        return sandwichInverse(dl, o, q1, g);
    }

    /** L'⁻¹ G L⁻¹ for the small lower factor L at {@code o} (q × q) and symmetric G. */
    private static double[] sandwichInverse(double[] lf, int o, int q, double[] g) {
        // solve L' Y = G by columns, then L' Z = Y' by columns: Z = L'⁻¹ (L'⁻¹ G)' = L'⁻¹ G L⁻¹
        double[] y = g.clone();
        backwardColumns(lf, o, q, y);
        double[] yt = new double[q * q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                yt[a * q + b] = y[b * q + a];
            }
        }
        backwardColumns(lf, o, q, yt);
        return yt;
    }

    /** Solves L' Y = G in place for the q columns of G (row-major q × q). */
    private static void backwardColumns(double[] lf, int o, int q, double[] g) {
        for (int c = 0; c < q; c++) {
            for (int i = q - 1; i >= 0; i--) {
                double v = g[i * q + c];
                for (int k = i + 1; k < q; k++) {
                    v -= lf[o + k * q + i] * g[k * q + c];
                }
                g[i * q + c] = v / lf[o + i * q + i];
            }
        }
    }

    private static void symmetrise(double[] a, int q) {
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < i; j++) {
                a[j * q + i] = a[i * q + j];
            }
        }
    }

    /** The factor order's Λ applied to one column of the dense block: for scalar later terms, a plain scale. */
    private double[] columnScale(double[][] lambda) {
        double[] sc = new double[m];
        Arrays.fill(sc, 1);
        for (int k = 1; k < terms.size(); k++) {
            if (terms.get(k).q() == 1) {
                Arrays.fill(sc, offset[k], offset[k] + terms.get(k).levelCount(), lambda[k][0]);
            }
        }
        return sc;
    }

    /** Out = L'AL for the q × q block of A at offset o. */
    private static void congruence(double[] a, int o, double[] l, int q, double[] out, double[] tmp) {
        if (q == 1) {
            out[o] = l[0] * a[o] * l[0];
            return;
        }
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                double v = 0;
                for (int k = 0; k < q; k++) {
                    v += a[o + i * q + k] * l[k * q + j];
                }
                tmp[i * q + j] = v;
            }
        }
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                double v = 0;
                for (int k = 0; k < q; k++) {
                    v += l[k * q + i] * tmp[k * q + j];
                }
                out[o + i * q + j] = v;
            }
        }
    }

    /** B_l = Λ_1'B0_lΛ_2 (q_1 × nnz). */
    private double[] scaledB(int l, double[] l1, double[][] lambda, double[] scale) {
        int[] cols = bCols[l];
        int nnz = cols.length;
        double[] v = b0[l];
        double[] out = new double[q1 * nnz];
        // right: Λ_k within each q_k block of a later term's columns
        double[] right = new double[q1 * nnz];
        int i = 0;
        while (i < nnz) {
            int c = cols[i];
            int k = termOfColumn[c];
            int qk = k > 0 ? terms.get(k).q() : 1;
            if (qk == 1) {
                for (int a = 0; a < q1; a++) {
                    right[a * nnz + i] = v[a * nnz + i] * scale[c];
                }
                i++;
                continue;
            }
            double[] lk = lambda[k];
            for (int a = 0; a < q1; a++) {
                for (int jj = 0; jj < qk; jj++) {
                    double s = 0;
                    for (int t = 0; t < qk; t++) {
                        s += v[a * nnz + i + t] * lk[t * qk + jj];
                    }
                    right[a * nnz + i + jj] = s;
                }
            }
            i += qk;
        }
        for (int a = 0; a < q1; a++) {
            for (int e = 0; e < nnz; e++) {
                double s = 0;
                for (int t = 0; t < q1; t++) {
                    s += l1[t * q1 + a] * right[t * nnz + e];
                }
                out[a * nnz + e] = s;
            }
        }
        return out;
    }

    /** C = Λ_2'C0Λ_2 + blockdiag(I, 0, 0), by rows (m × m; the lower triangle, the whole matrix for vector terms). */
    private double[][] denseC(double[][] lambda, double[] scale) {
        double[][] c = new double[m][m];
        boolean allScalar = true;
        for (int k = 1; k < terms.size(); k++) {
            allScalar &= terms.get(k).q() == 1;
        }
        for (int i = 0; i < m; i++) {
            int ri = i * m;
            double si = scale[i];
            double[] row = c[i];
            for (int j = 0; j <= i; j++) {
                row[j] = c0[ri + j] * si * scale[j];
            }
        }
        if (!allScalar) {
            // full symmetric copy, then Λ on both sides within the vector terms' blocks
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < i; j++) {
                    c[j][i] = c[i][j];
                }
            }
            double[] tmp = new double[16];
            for (int k = 1; k < terms.size(); k++) {
                int qk = terms.get(k).q();
                if (qk == 1) {
                    continue;
                }
                if (tmp.length < qk) {
                    tmp = new double[qk];
                }
                double[] lk = lambda[k];
                for (int lv = 0; lv < terms.get(k).levelCount(); lv++) {
                    int b0c = offset[k] + lv * qk;
                    for (int side = 0; side < 2; side++) {
                        for (int other = 0; other < m; other++) {
                            for (int cc = 0; cc < qk; cc++) {
                                double s = 0;
                                for (int t = 0; t < qk; t++) {
                                    s += (side == 0 ? c[other][b0c + t] : c[b0c + t][other]) * lk[t * qk + cc];
                                }
                                tmp[cc] = s;
                            }
                            for (int cc = 0; cc < qk; cc++) {
                                if (side == 0) {
                                    c[other][b0c + cc] = tmp[cc];
                                } else {
                                    c[b0c + cc][other] = tmp[cc];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < q2; i++) {
            c[i][i] += 1;
        }
        return c;
    }

    /** y[k] += c0 x0[k] + c1 x1[k] + c2 x2[k] + c3 x3[k] for k in [from, to) (one stored array: vectorised). */
    private static void axpy4(double[] y, double[] x0, double[] x1, double[] x2, double[] x3, double c0, double c1,
                              double c2, double c3, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = y[k] + c0 * x0[k] + c1 * x1[k] + c2 * x2[k] + c3 * x3[k];
        }
    }

    private static boolean smallCholesky(double[] a, int o, int q) {
        for (int j = 0; j < q; j++) {
            double d = a[o + j * q + j];
            for (int k = 0; k < j; k++) {
                d -= a[o + j * q + k] * a[o + j * q + k];
            }
            if (!(d > 0)) {
                return false;
            }
            double ljj = Math.sqrt(d);
            a[o + j * q + j] = ljj;
            for (int i = j + 1; i < q; i++) {
                double s = a[o + i * q + j];
                for (int k = 0; k < j; k++) {
                    s -= a[o + i * q + k] * a[o + j * q + k];
                }
                a[o + i * q + j] = s / ljj;
            }
            for (int i = 0; i < j; i++) {
                a[o + i * q + j] = 0;
            }
        }
        return true;
    }

    /** Solves L W = B in place for B q × cols row-major. */
    private static void forwardSmall(double[] lf, int o, int q, double[] b, int cols) {
        for (int i = 0; i < q; i++) {
            double inv = 1 / lf[o + i * q + i];
            for (int c = 0; c < cols; c++) {
                double v = b[i * cols + c];
                for (int k = 0; k < i; k++) {
                    v -= lf[o + i * q + k] * b[k * cols + c];
                }
                b[i * cols + c] = v * inv;
            }
        }
    }

    /** Solves L' x = b in place (one vector). */
    private static void backwardSmall(double[] lf, int o, int q, double[] b) {
        for (int i = q - 1; i >= 0; i--) {
            double v = b[i];
            for (int k = i + 1; k < q; k++) {
                v -= lf[o + k * q + i] * b[k];
            }
            b[i] = v / lf[o + i * q + i];
        }
    }

    /** The terms in factor order. */
    public List<RandomEffectsTerm> termsInFactorOrder() {
        return terms;
    }

    /** For each term in factor order, its index in the frame. */
    public int[] frameIndex() {
        return frameIndex.clone();
    }
}
