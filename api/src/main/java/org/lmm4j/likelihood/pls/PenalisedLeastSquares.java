package org.lmm4j.likelihood.pls;

import java.util.List;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * The profiled −2 log-likelihood of a model with any random-effects terms, nested or crossed, and Σ = σ²I, by
 * penalised least squares (Bates, Mächler, Bolker and Walker 2015, J. Stat. Softw. 67(1), §3; docs/DESIGN.md §8).
 *
 * <p>Each term k has a lower-triangular relative covariance factor Λ_k (q_k × q_k), Ω_k = σ²Λ_kΛ_k', and
 * Λ = blockdiag over the terms of I_{L_k} ⊗ Λ_k. With the Cholesky factor of the augmented system
 * <pre>
 *   [ Λ'Z'ZΛ + I   Λ'Z'X   Λ'Z'y ]   [ L_θ          ]
 *   [ X'ZΛ         X'X     X'y   ] = [ R_ZX'  R_X   ] (…)'
 *   [ y'ZΛ         y'X     y'y   ]   [ r_Zy'  r_Xy' r ]
 * </pre>
 * the penalised residual sum of squares is r² and
 * <pre>
 *   −2 log L_ML(θ)   = log|L_θ|² + N (1 + log(2π r²/N)),
 *   −2 log L_REML(θ) = log|L_θ|² + log|R_X|² + (N − p)(1 + log(2π r²/(N − p))),
 * </pre>
 * lme4's {@code devfun}. The cross-products of [Z X y] are accumulated once, from the terms' N × q_k rows and level
 * codes (never the N × N matrix); each evaluation scales them by Λ and factors Q + p + 1 rows, Q = Σ L_k q_k. This
 * first version factors the system densely, which suits models with up to a few thousand random effects
 * (Penicillin, Pastes); the blocked factor with a block-diagonal first term (MixedModels.jl's {@code BlockedSparse})
 * is what large crossed designs such as InstEval need.
 *
 * <p>θ holds, term by term, the lower triangle of Λ_k by columns (lme4's order): for a scalar term its one entry.
 */
public final class PenalisedLeastSquares {

    private final List<RandomEffectsTerm> terms;
    private final int[] offset;
    private final int q;
    private final int p;
    private final int n;
    private final int dim;
    /** The cross-products of [Z X y], dim × dim, row-major, lower triangle filled. */
    private final double[] cross;

    /** Accumulates the cross-products of the frame's [Z X y]. */
    public PenalisedLeastSquares(ModelFrame frame) {
        this.terms = frame.terms();
        this.offset = new int[terms.size()];
        int total = 0;
        for (int k = 0; k < terms.size(); k++) {
            offset[k] = total;
            total += terms.get(k).levelCount() * terms.get(k).q();
        }
        this.q = total;
        this.p = frame.p();
        this.n = frame.observations();
        this.dim = q + p + 1;
        this.cross = new double[dim * dim];
        int width = 0;
        for (RandomEffectsTerm t : terms) {
            width += t.q();
        }
        int[] col = new int[width + p + 1];
        double[] val = new double[width + p + 1];
        double[] x = frame.x();
        double[] y = frame.y();
        for (int j = 0; j < n; j++) {
            int e = sparseRow(terms, 0, offset, x, y, p, j, q, col, val);
            for (int a = 0; a < e; a++) {
                int ra = col[a] * dim;
                for (int b = 0; b < e; b++) {
                    if (col[b] <= col[a]) {
                        cross[ra + col[b]] += val[a] * val[b];
                    }
                }
            }
        }
    }

    /** The length of θ: Σ q_k(q_k + 1)/2. */
    public int thetaLength() {
        int s = 0;
        for (RandomEffectsTerm t : terms) {
            s += t.q() * (t.q() + 1) / 2;
        }
        return s;
    }

    /** Q, the number of random effects. */
    public int randomEffects() {
        return q;
    }

    /** The profiled −2 log L at θ (ML or REML); +∞ when the system is not positive definite. */
    public double minus2LogLik(double[] theta, boolean reml) {
        Factor f = factor(theta);
        if (f == null) {
            return Double.POSITIVE_INFINITY;
        }
        double df = reml ? n - p : n;
        double logDet = f.logDetL + (reml ? f.logDetRx : 0);
        return logDet + df * (1 + Math.log(2 * Math.PI * f.prss / df));
    }

    /** σ̂² at θ: r²/N (ML) or r²/(N − p) (REML). */
    public double sigma2(double[] theta, boolean reml) {
        Factor f = factor(theta);
        return f == null ? Double.NaN : f.prss / (reml ? n - p : n);
    }

    /** Ω̂_k = σ̂²Λ_kΛ_k' at θ, for each term. */
    public double[][][] omegas(double[] theta, boolean reml) {
        double s2 = sigma2(theta, reml);
        double[][][] out = new double[terms.size()][][];
        int at = 0;
        for (int k = 0; k < terms.size(); k++) {
            int qk = terms.get(k).q();
            double[] lam = lambda(theta, at, qk);
            at += qk * (qk + 1) / 2;
            double[][] w = new double[qk][qk];
            for (int a = 0; a < qk; a++) {
                for (int b = 0; b < qk; b++) {
                    double s = 0;
                    for (int c = 0; c < qk; c++) {
                        s += lam[a * qk + c] * lam[b * qk + c];
                    }
                    w[a][b] = s2 * s;
                }
            }
            out[k] = w;
        }
        return out;
    }

    /** Λ_k (q_k × q_k, row-major, lower triangular) from θ's entries at {@code at}, column by column. */
    private static double[] lambda(double[] theta, int at, int qk) {
        double[] lam = new double[qk * qk];
        int e = at;
        for (int c = 0; c < qk; c++) {
            for (int r = c; r < qk; r++) {
                lam[r * qk + c] = theta[e++];
            }
        }
        return lam;
    }

    /** The factor's log-determinants and the penalised residual sum of squares. */
    private record Factor(double logDetL, double logDetRx, double prss) {
    }

    private Factor factor(double[] theta) {
        if (theta.length != thetaLength()) {
            throw new IllegalArgumentException("θ has " + theta.length + " entries, the terms need " + thetaLength());
        }
        // the row scaling by Λ': row block (k, level) of the random-effects part is multiplied by Λ_k'
        double[][] lam = new double[terms.size()][];
        int at = 0;
        for (int k = 0; k < terms.size(); k++) {
            int qk = terms.get(k).q();
            lam[k] = lambda(theta, at, qk);
            at += qk * (qk + 1) / 2;
        }
        double[] full = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j <= i; j++) {
                full[i * dim + j] = cross[i * dim + j];
                full[j * dim + i] = cross[i * dim + j];
            }
        }
        // A ← Λ'AΛ on the random-effects rows and columns: Λ acts within each q_k block
        double[] tmp = new double[dim];
        for (int side = 0; side < 2; side++) {
            for (int k = 0; k < terms.size(); k++) {
                int qk = terms.get(k).q();
                double[] l = lam[k];
                for (int lv = 0; lv < terms.get(k).levelCount(); lv++) {
                    int b0 = offset[k] + lv * qk;
                    for (int other = 0; other < dim; other++) {
                        // side 0: columns b0..b0+qk of row `other` become (row · Λ_k); side 1: the same for rows
                        for (int c = 0; c < qk; c++) {
                            double s = 0;
                            for (int r = c; r < qk; r++) {
                                s += (side == 0 ? full[other * dim + b0 + r] : full[(b0 + r) * dim + other]) * l[r * qk + c];
                            }
                            tmp[c] = s;
                        }
                        for (int c = 0; c < qk; c++) {
                            if (side == 0) {
                                full[other * dim + b0 + c] = tmp[c];
                            } else {
                                full[(b0 + c) * dim + other] = tmp[c];
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < q; i++) {
            full[i * dim + i] += 1;
        }
        // the whole augmented system at once: its last pivot is r, the square root of the penalised RSS
        if (!Cholesky.factor(full, dim)) {
            return null;
        }
        double[] whole = full;
        double r = whole[(dim - 1) * dim + dim - 1];
        double last = r * r;
        double logDetL = 0;
        for (int i = 0; i < q; i++) {
            logDetL += 2 * Math.log(whole[i * dim + i]);
        }
        double logDetRx = 0;
        for (int i = q; i < q + p; i++) {
            logDetRx += 2 * Math.log(whole[i * dim + i]);
        }
        return new Factor(logDetL, logDetRx, last);
    }

    /**
     * Row j of [Z X y] over its non-zero entries: the columns (in the system's numbering: term k's block at
     * {@code offset[k]}, X from {@code xColumn}, then y) and values, of terms {@code firstTerm} onwards; returns how many.
     */
    static int sparseRow(List<RandomEffectsTerm> terms, int firstTerm, int[] offset, double[] x, double[] y, int p,
                         int j, int xColumn, int[] col, double[] val) {
        int e = 0;
        for (int k = firstTerm; k < terms.size(); k++) {
            RandomEffectsTerm t = terms.get(k);
            int qk = t.q();
            int base = offset[k] + t.levelOfRow()[j] * qk;
            for (int a = 0; a < qk; a++) {
                col[e] = base + a;
                val[e++] = t.z()[j * qk + a];
            }
        }
        for (int c = 0; c < p; c++) {
            col[e] = xColumn + c;
            val[e++] = x[j * p + c];
        }
        col[e] = xColumn + p;
        val[e++] = y[j];
        return e;
    }
}
