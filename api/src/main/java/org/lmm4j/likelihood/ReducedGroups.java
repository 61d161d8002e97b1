package org.lmm4j.likelihood;

import java.util.List;
import java.util.stream.IntStream;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.Group;

/**
 * The reduction behind {@link SufficientStatistics}, made once per model for Σ = σ²I: an orthonormal basis Q_i
 * (m_i × r_i, r_i = rank Z_i ≤ q) of the columns of Z_i by Gram–Schmidt with re-orthogonalisation, so that
 * Z_i = Q_iR_i with R_i = Q_i'Z_i (r_i × q), and Π_i = I − Q_iQ_i'. Stored per group: R_i, a_i = Q_i'X_i,
 * c_i = Q_i'y_i, the projected moments Π-X'X = (Π_iX_i)'(Π_iX_i), Π-X'y and Π-y'y, G_i = (R_iR_i')⁻¹R_i (row j
 * of Q_i is G_iz_j) and m_i, computed from the working data of {@link WorkingDesign}. O(m_i q(q + p)) per group.
 *
 * <p>Also here, because every evaluation on this path starts with it: the factorisation of
 * C_i = σ²I + R_iΩR_i' and the one rule that hands a group to the block path ({@link Scratch#factorC}).
 */
class ReducedGroups {

    /** A column of Z_i whose part orthogonal to the previous ones is below this share of its norm is dependent. */
    private static final double RANK_TOLERANCE = 1e-10;

    /**
     * C_i with a pivot L_jj² below this share of its largest diagonal entry, and below σ²/2, is near-singular:
     * V_i then lies at the edge of the admissible region (R_iΩR_i' has a direction close to −σ², which needs an
     * indefinite Ω), rounding decides everything, and a small group goes through the reference {@link GroupBlock}
     * path instead ({@link #handOver}). For Ω positive semi-definite C_i ≥ σ²I and every pivot L_jj² ≥ σ², however
     * large R_iΩR_i' is against σ² (a long group): such a C_i is merely ill-scaled, and its factor is accurate.
     */
    static final double NEAR_SINGULAR = 1e-8;

    /** {@link Scratch#factorC} outcomes. */
    static final int WELL_CONDITIONED = 0;
    static final int NEAR_SINGULAR_C = 1;
    static final int NOT_POSITIVE_DEFINITE = 2;

    /** Groups of at most this many rows are handed to the block path at the edge (its O(m_i³) is then cheap). */
    static final int HAND_OVER_ROWS = 64;

    /** Up to this q the products with Ω are plain dense loops; above (several terms' composite Ω) over its non-zeros. */
    static final int DENSE_OMEGA = 8;

    /**
     * The one fallback rule of the sufficient-statistics path: a group of at most {@link #HAND_OVER_ROWS} rows whose
     * C_i is near-singular or not positive definite goes through the block path, for the value, the gradient, the
     * Hessian, the information and the BLUPs alike, so that everything at a θ comes from the same algorithm. A
     * longer group stays here (nothing may cost more than linear in a group's size): a near-singular C_i is
     * still a valid factor, and C_i not positive definite means V_i is not (V_i = σ²Π_i + Q_iC_iQ_i').
     */
    boolean handOver(int factorOutcome, int group) {
        return factorOutcome != WELL_CONDITIONED && size[group] <= HAND_OVER_ROWS;
    }

    final List<Group> groups;

    final int n;
    final int p;
    final int q;
    final int observations;
    final int oA;
    final int oC;
    final int oXX;
    final int oXY;
    final int oYY;
    final int oG;
    final int stride;
    final int[] size;
    final int[] rank;
    final double[] stats;

    /** Reduces the groups (in working coordinates) of a model with p fixed and q random effects. */
    ReducedGroups(List<Group> groups, int p, int q) {
        this.groups = groups;
        this.n = groups.size();
        this.p = p;
        this.q = q;
        int rows = 0;
        for (Group g : groups) {
            rows += g.size();
        }
        this.observations = rows;
        this.oA = q * q;
        this.oC = oA + q * p;
        this.oXX = oC + q;
        this.oXY = oXX + p * p;
        this.oYY = oXY + p;
        this.oG = oYY + 1;
        this.stride = oG + q * q;
        this.size = new int[n];
        this.rank = new int[n];
        this.stats = new double[n * stride];
        IntStream range = IntStream.range(0, n);
        (observations < GroupReduce.PARALLEL_THRESHOLD ? range : range.parallel())
                .forEach(i -> reduceGroup(i, groups.get(i)));
    }

    /**
     * The statistics hold p² + O(q(p + q)) numbers per group: refused, before anything is allocated, when they would
     * not fit in an int-indexed array or would take more than half the heap (a fixed factor with hundreds of levels
     * over thousands of groups), with what to do instead. Called before the working design is built, whose QR of
     * [X y] alone costs O(N p²).
     */
    static void checkMemory(int n, int p, int q) {
        long stride = (long) q * q + (long) q * p + q + (long) p * p + p + 1 + (long) q * q;
        long cells = n * stride;
        long bytes = 8 * cells;
        long heap = Runtime.getRuntime().maxMemory();
        if (cells > Integer.MAX_VALUE - 8 || bytes > heap / 2) {
            throw new org.lmm4j.api.InputException(String.format(java.util.Locale.ROOT,
                    "the model has p = %d fixed-effect columns over %d groups: its per-group sufficient statistics "
                    + "(p² numbers per group) would need %.1f GB, more than half of this JVM's %.1f GB heap; a factor "
                    + "with many levels is usually better as a random effect, (1 | factor), or give Java more heap "
                    + "(JAVA_OPTS=-Xmx...)", p, n, bytes / 1e9, heap / 1e9));
        }
    }

    /** A view of the same reduction (for the classes that evaluate on it). */
    ReducedGroups(ReducedGroups r) {
        this.groups = r.groups;
        this.n = r.n;
        this.p = r.p;
        this.q = r.q;
        this.observations = r.observations;
        this.oA = r.oA;
        this.oC = r.oC;
        this.oXX = r.oXX;
        this.oXY = r.oXY;
        this.oYY = r.oYY;
        this.oG = r.oG;
        this.stride = r.stride;
        this.size = r.size;
        this.rank = r.rank;
        this.stats = r.stats;
    }

    /** Q_i by Gram–Schmidt with re-orthogonalisation, then R_i, a_i, c_i and the Π-projected moments. */
    private void reduceGroup(int i, Group g) {
        int m = g.size();
        double[] x = g.x();
        double[] z = g.z();
        double[] y = g.y();
        size[i] = m;
        double[] qm = new double[m * Math.max(q, 1)]; // Q column-major: column k at k*m
        int r = 0;
        double[] v = new double[m];
        for (int col = 0; col < q; col++) {
            double norm0 = 0;
            for (int j = 0; j < m; j++) {
                v[j] = z[j * q + col];
                norm0 += v[j] * v[j];
            }
            norm0 = Math.sqrt(norm0);
            if (norm0 == 0) {
                continue;
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < r; k++) {
                    double d = 0;
                    for (int j = 0; j < m; j++) {
                        d += qm[k * m + j] * v[j];
                    }
                    for (int j = 0; j < m; j++) {
                        v[j] -= d * qm[k * m + j];
                    }
                }
            }
            double nv = 0;
            for (int j = 0; j < m; j++) {
                nv += v[j] * v[j];
            }
            nv = Math.sqrt(nv);
            if (nv > RANK_TOLERANCE * norm0) {
                for (int j = 0; j < m; j++) {
                    qm[r * m + j] = v[j] / nv;
                }
                r++;
            }
        }
        rank[i] = r;
        int base = i * stride;
        // R = Q'Z (r×q, rows of length q): for a large q row by row of Z over its non-zero entries (a row of crossed
        // terms' one group has Σ_k q_k of its Q), for a small q column by column below; then a = Q'X (r×p), c = Q'y (r)
        int[] nz = new int[q];
        for (int j = 0; j < m && q > DENSE_OMEGA; j++) {
            int count = 0;
            for (int col = 0; col < q; col++) {
                if (z[j * q + col] != 0) {
                    nz[count++] = col;
                }
            }
            for (int k = 0; k < r; k++) {
                double qkj = qm[k * m + j];
                for (int e = 0; e < count; e++) {
                    stats[base + k * q + nz[e]] += qkj * z[j * q + nz[e]];
                }
            }
        }
        for (int k = 0; k < r; k++) {
            int qk = k * m;
            for (int col = 0; col < q && q <= DENSE_OMEGA; col++) { // a small q: column by column
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += qm[qk + j] * z[j * q + col];
                }
                stats[base + k * q + col] = s;
            }
            for (int col = 0; col < p; col++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += qm[qk + j] * x[j * p + col];
                }
                stats[base + oA + k * p + col] = s;
            }
            double s = 0;
            for (int j = 0; j < m; j++) {
                s += qm[qk + j] * y[j];
            }
            stats[base + oC + k] = s;
        }
        // G = (RR')⁻¹R (r×q), so that row j of Q_i is G z_j (for the conditioning of V_i)
        if (r > 0) {
            double[] rr = new double[r * r];
            for (int k = 0; k < r; k++) {
                for (int l = 0; l < r; l++) {
                    double s = 0;
                    for (int col = 0; col < q; col++) {
                        s += stats[base + k * q + col] * stats[base + l * q + col];
                    }
                    rr[k * r + l] = s;
                }
            }
            double[] gm = new double[r * q];
            System.arraycopy(stats, base, gm, 0, r * q);
            if (Cholesky.factor(rr, r)) {
                Cholesky.solve(rr, r, gm, q);
                System.arraycopy(gm, 0, stats, base + oG, r * q);
            }
        }
        // Π X and Π y, then their moments
        double[] px = new double[p];
        for (int j = 0; j < m; j++) {
            for (int col = 0; col < p; col++) {
                double s = x[j * p + col];
                for (int k = 0; k < r; k++) {
                    s -= qm[k * m + j] * stats[base + oA + k * p + col];
                }
                px[col] = s;
            }
            double py = y[j];
            for (int k = 0; k < r; k++) {
                py -= qm[k * m + j] * stats[base + oC + k];
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    stats[base + oXX + a * p + b] += px[a] * px[b];
                }
                stats[base + oXY + a] += px[a] * py;
            }
            stats[base + oYY] += py * py;
        }
    }

    /** Per-chunk scratch space: nothing is allocated per group. */
    final class Scratch {
        final double[] ro = new double[q * q];
        final double[] c = new double[q * q];
        final double[] w = new double[q * (p + 1)];
        final double[] cinv = new double[q * q];
        final double[] s = new double[q];
        final double[] ca = new double[q * p];
        final double[] mq = new double[q * q];
        /** Positions of the non-zero entries of a row of Z. */
        final int[] nz = new int[q];

        /** C_i = σ²I + R_iΩR_i', factored in place: WELL_CONDITIONED, NEAR_SINGULAR_C or NOT_POSITIVE_DEFINITE. */
        int factorC(int base, int r, double sigma2, double[][] omega) {
            if (q <= DENSE_OMEGA) { // one term's small Ω: the plain product, no tests in the inner loop
                for (int k = 0; k < r; k++) {
                    for (int b = 0; b < q; b++) {
                        double sum = 0;
                        for (int a = 0; a < q; a++) {
                            sum += stats[base + k * q + a] * omega[a][b];
                        }
                        ro[k * q + b] = sum;
                    }
                }
                return factorFromRo(base, r, sigma2);
            }
            // RΩ over the non-zero entries of Ω only (blockdiag(I_{M_k} ⊗ Ω_k) of several terms is mostly zero)
            java.util.Arrays.fill(ro, 0, r * q, 0);
            for (int a = 0; a < q; a++) {
                double[] oa = omega[a];
                for (int b = 0; b < q; b++) {
                    double v = oa[b];
                    if (v == 0) {
                        continue;
                    }
                    for (int k = 0; k < r; k++) {
                        ro[k * q + b] += stats[base + k * q + a] * v;
                    }
                }
            }
            return factorFromRo(base, r, sigma2);
        }

        /** C_i = σ²I + (RΩ)R' from {@link #ro}, factored in place (see {@link #factorC}). */
        private int factorFromRo(int base, int r, double sigma2) {
            for (int k = 0; k < r; k++) {
                for (int l = 0; l <= k; l++) {
                    double sum = 0;
                    for (int b = 0; b < q; b++) {
                        sum += ro[k * q + b] * stats[base + l * q + b];
                    }
                    c[k * r + l] = sum;
                    c[l * r + k] = sum;
                }
                c[k * r + k] += sigma2;
            }
            double maxDiagonal = 0;
            for (int k = 0; k < r; k++) {
                maxDiagonal = Math.max(maxDiagonal, c[k * r + k]);
            }
            if (!Cholesky.factor(c, r)) {
                return NOT_POSITIVE_DEFINITE;
            }
            for (int k = 0; k < r; k++) {
                double l = c[k * r + k];
                if (l * l < NEAR_SINGULAR * maxDiagonal && l * l < 0.5 * sigma2) {
                    return NEAR_SINGULAR_C;
                }
            }
            return WELL_CONDITIONED;
        }

        /** log det V_i from the factored C_i. */
        double logDet(int i, int r, double logSigma2) {
            return (size[i] - r) * logSigma2 + Cholesky.logDet(c, r);
        }
    }

    /** s = c_i − a_iβ = Q_i'r_i. */
    void residualQ(int base, int r, double[] beta, double[] s) {
        for (int k = 0; k < r; k++) {
            double v = stats[base + oC + k];
            for (int a = 0; a < p; a++) {
                v -= stats[base + oA + k * p + a] * beta[a];
            }
            s[k] = v;
        }
    }

    /** r_i'Π_ir_i = Π-y'y − 2β'Π-X'y + β'Π-X'Xβ. */
    double projectedRss(int base, double[] beta) {
        double s = stats[base + oYY];
        for (int a = 0; a < p; a++) {
            double xb = 0;
            for (int b = 0; b < p; b++) {
                xb += stats[base + oXX + a * p + b] * beta[b];
            }
            s += beta[a] * (xb - 2 * stats[base + oXY + a]);
        }
        return s;
    }
}
