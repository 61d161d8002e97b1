package org.lmm4j.model;

/**
 * The moments of a data set about a fixed β (the least-squares fit), accumulated group by group and merged
 * across disjoint sets of groups: what the host of a fit needs of the data beyond the criterion's sums when the
 * groups themselves live elsewhere (docs/DESIGN.md §6). For the residuals r = y − Xβ: Σ r², per occasion the sum of
 * r² and the count (a scalar Σ), or the T×T sums of r_jr_k and their counts over the groups that saw both occasions
 * (a structured Σ); for the columns of Z: Σ z, Σ z² and whether the column is all ones; the numbers of groups and
 * rows; and an order-free fingerprint, the sum over groups of a hash of each group's values.
 *
 * <p>For a scalar Σ it also keeps the sums of the within-group regressions of r_i on Z_i (Swamy's moment estimator of
 * Ω, {@code StartValues}): over the groups i with m_i > q whose Z_i has full column rank, b̂_i = (Z_i'Z_i)⁻¹Z_i'r_i by
 * Givens rotations of [Z_i r_i] (no cross-products of uncentred columns), Σ b̂_i, Σ b̂_ib̂_i', Σ (Z_i'Z_i)⁻¹, the
 * residual sum of squares Σ ‖r_i − Z_ib̂_i‖² and its degrees of freedom Σ (m_i − q).
 */
public final class DataMoments implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** A column of Z_i counts as dependent on the ones before it below this share of its squared norm. */
    private static final double RANK_TOLERANCE = 1e-10;

    private final double[] beta;
    private final boolean scalar;
    private final int t;
    private final int q;
    private int groups;
    private long rows;
    private double total;
    private final double[] occasionSquares;
    private final double[] occasionCounts;
    private final double[][] products;
    private final double[][] pairCounts;
    private final double[] zSums;
    private final double[] zSquares;
    private final boolean[] zOnes;
    private long fingerprint;
    private final boolean hashed;
    private final boolean regressed;
    private int regressions;
    private double withinRss;
    private double withinDf;
    private final double[] coefficientSums;
    private final double[] coefficientProducts;
    private final double[] samplingSums;

    /**
     * No groups yet.
     *
     * @param beta    the β the residuals are taken about
     * @param scalar  true for a scalar Σ (only per-occasion squares are kept), false for the T×T products
     * @param t       T, the number of occasions
     * @param q       the number of random effects per group
     * @param hashed  whether to hash the groups for {@link #fingerprint} (one more pass over every value)
     */
    public DataMoments(double[] beta, boolean scalar, int t, int q, boolean hashed) {
        this.hashed = hashed;
        this.beta = beta.clone();
        this.scalar = scalar;
        this.t = t;
        this.q = q;
        this.occasionSquares = new double[t];
        this.occasionCounts = new double[t];
        this.products = scalar ? new double[0][0] : new double[t][t];
        this.pairCounts = scalar ? new double[0][0] : new double[t][t];
        this.zSums = new double[q];
        this.zSquares = new double[q];
        this.zOnes = new boolean[q];
        java.util.Arrays.fill(zOnes, true);
        this.regressed = scalar && q > 0;
        this.coefficientSums = new double[regressed ? q : 0];
        this.coefficientProducts = new double[regressed ? q * q : 0];
        this.samplingSums = new double[regressed ? q * q : 0];
    }

    /** Adds a group. */
    public DataMoments add(Group g) {
        int m = g.size();
        double[] r = g.residual(beta);
        int[] o = g.occasion();
        double[] z = g.z();
        groups++;
        rows += m;
        for (int j = 0; j < m; j++) {
            total += r[j] * r[j];
            for (int a = 0; a < q; a++) {
                double v = z[j * q + a];
                zSums[a] += v;
                zSquares[a] += v * v;
                zOnes[a] &= v == 1;
            }
        }
        if (scalar) {
            for (int j = 0; j < m; j++) {
                occasionSquares[o[j]] += r[j] * r[j];
                occasionCounts[o[j]] += 1;
            }
        } else {
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    products[o[j]][o[k]] += r[j] * r[k];
                    pairCounts[o[j]][o[k]] += 1;
                }
            }
        }
        if (regressed && m > q) {
            regress(z, r, m);
        }
        if (hashed) {
            fingerprint += hash(g);
        }
        return this;
    }

    /** Adds the regression of r on Z (m rows) when Z has full column rank. */
    private void regress(double[] z, double[] r, int m) {
        int cols = q + 1;
        double[] tri = new double[cols * cols];
        double[] norm2 = new double[q];
        double[] w = new double[cols];
        for (int j = 0; j < m; j++) {
            System.arraycopy(z, j * q, w, 0, q);
            w[q] = r[j];
            for (int a = 0; a < q; a++) {
                norm2[a] += w[a] * w[a];
            }
            org.lmm4j.linalg.Givens.rotateIn(tri, w, cols);
        }
        double[] rz = new double[q * q];
        double[] b = new double[q];
        for (int a = 0; a < q; a++) {
            double d = tri[a * cols + a];
            if (!(d * d > RANK_TOLERANCE * norm2[a]) || !Double.isFinite(d)) {
                return;
            }
            System.arraycopy(tri, a * cols, rz, a * q, q);
            b[a] = tri[a * cols + q];
        }
        org.lmm4j.linalg.Givens.backSubstitute(rz, q, b);
        // (Z'Z)⁻¹ = R⁻¹R⁻ᵀ from the columns of R⁻¹
        double[] inv = new double[q * q];
        double[] e = new double[q];
        for (int c = 0; c < q; c++) {
            java.util.Arrays.fill(e, 0);
            e[c] = 1;
            org.lmm4j.linalg.Givens.backSubstitute(rz, q, e);
            for (int a = 0; a <= c; a++) {
                for (int d = 0; d <= c; d++) {
                    inv[a * q + d] += e[a] * e[d];
                }
            }
        }
        double rss = tri[q * cols + q];
        regressions++;
        withinRss += rss * rss;
        withinDf += m - q;
        for (int a = 0; a < q; a++) {
            coefficientSums[a] += b[a];
            for (int d = 0; d < q; d++) {
                coefficientProducts[a * q + d] += b[a] * b[d];
                samplingSums[a * q + d] += inv[a * q + d];
            }
        }
    }

    /** The moments of both sets of groups (this one is updated and returned). */
    public DataMoments merge(DataMoments o) {
        groups += o.groups;
        rows += o.rows;
        total += o.total;
        add(occasionSquares, o.occasionSquares);
        add(occasionCounts, o.occasionCounts);
        for (int a = 0; a < products.length; a++) {
            add(products[a], o.products[a]);
            add(pairCounts[a], o.pairCounts[a]);
        }
        add(zSums, o.zSums);
        add(zSquares, o.zSquares);
        for (int a = 0; a < q; a++) {
            zOnes[a] &= o.zOnes[a];
        }
        fingerprint += o.fingerprint;
        regressions += o.regressions;
        withinRss += o.withinRss;
        withinDf += o.withinDf;
        add(coefficientSums, o.coefficientSums);
        add(coefficientProducts, o.coefficientProducts);
        add(samplingSums, o.samplingSums);
        return this;
    }

    private static void add(double[] into, double[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /**
     * A 64-bit hash of one group's id, size and values (y, X, Z, occasions); the data's fingerprint is the sum of
     * these over the groups, the same whatever their order or where they were summed.
     */
    public static long hash(Group g) {
        long h = 0x243F6A8885A308D3L ^ g.id().hashCode();
        h = mix(h, g.size());
        for (double[] a : new double[][] {g.y(), g.x(), g.z()}) {
            for (double v : a) {
                h = mix(h, Double.doubleToLongBits(v));
            }
        }
        for (int v : g.occasion()) {
            h = mix(h, v);
        }
        return finish(h);
    }

    /** One step of the 64-bit multiply–xorshift hash of the data (the fingerprints' one mixing function). */
    private static long mix(long h, long v) {
        return (h ^ v) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }

    /** The splitmix64 finaliser of that hash. */
    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** n, the number of groups. */
    public int groups() {
        return groups;
    }

    /** N, the number of rows. */
    public int rows() {
        return Math.toIntExact(rows);
    }

    /** Σ r² over all rows. */
    public double residualSquares() {
        return total;
    }

    /** Per occasion, Σ r² (scalar Σ). */
    public double[] occasionSquares() {
        return occasionSquares.clone();
    }

    /** Per occasion, the number of rows (scalar Σ). */
    public double[] occasionCounts() {
        return occasionCounts.clone();
    }

    /** T×T sums of r_jr_k within groups (structured Σ). */
    public double[][] products() {
        return org.lmm4j.linalg.Matrices.copy(products);
    }

    /** T×T counts of those products. */
    public double[][] pairCounts() {
        return org.lmm4j.linalg.Matrices.copy(pairCounts);
    }

    /** Σ z per column of Z. */
    public double[] zSums() {
        return zSums.clone();
    }

    /** Σ z² per column of Z. */
    public double[] zSquares() {
        return zSquares.clone();
    }

    /** Whether each column of Z is 1 on every row. */
    public boolean[] zOnes() {
        return zOnes.clone();
    }

    /** The number of groups whose within-group regression entered the sums (0 unless Σ is scalar and q > 0). */
    public int regressions() {
        return regressions;
    }

    /** Σ ‖r_i − Z_ib̂_i‖² over those groups. */
    public double withinRss() {
        return withinRss;
    }

    /** Σ (m_i − q) over those groups. */
    public double withinDf() {
        return withinDf;
    }

    /** Σ b̂_i over those groups. */
    public double[] coefficientSums() {
        return coefficientSums.clone();
    }

    /** Σ b̂_ib̂_i' (q×q, row-major) over those groups. */
    public double[] coefficientProducts() {
        return coefficientProducts.clone();
    }

    /** Σ (Z_i'Z_i)⁻¹ (q×q, row-major) over those groups. */
    public double[] samplingSums() {
        return samplingSums.clone();
    }

    /** 16 hex digits: the sum over groups of a 64-bit hash of each group's id and values (independent of order). */
    public String fingerprint() {
        return hex(fingerprint);
    }

    /** {@code v} as 16 hexadecimal digits, the fingerprints' spelling (no formatter: none of its locale machinery). */
    public static String hex(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }
}
