package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.linalg.SymmetricEigen;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Moment start values for θ, shared by all estimators: ordinary least squares for β; for a scalar Σ with random
 * effects, Swamy's estimator from the within-group regressions of the OLS residuals on Z_i ({@link #swamy}); otherwise
 * the occasion-by-occasion scatter of the OLS residuals for Σ (pairwise over the groups that saw both occasions), and
 * for Ω a diagonal matrix that gives the random effects half the residual variance. Each structure then projects its
 * matrix with {@code start(...)}.
 */
public final class StartValues {

    private StartValues() {
    }

    /**
     * An admissible starting θ for the model. The OLS residuals come from the stable least-squares fit of
     * {@link WorkingDesign}. For a scalar Σ only the per-occasion variances enter (the scalar start is their
     * mean), so the cost is linear in the rows and Σ is the 1×1 [σ²]; a structured Σ gathers the T×T scatter,
     * each group's m_i² products once.
     */
    public static double[] moments(MixedModel model) {
        return moments(model, model.crossed() != null || model.data().summary() != null ? null : ols(model.data()));
    }

    /**
     * The same with β_OLS given ({@link ProfiledDeviance#leastSquares}, so that the least-squares pass over the rows
     * is made once); null computes it. The groups' moments are reduced on both cores, chunk by chunk in a fixed
     * order ({@link GroupReduce}).
     */
    public static double[] moments(MixedModel model, double[] ols) {
        ModelData data = model.data();
        if (model.crossed() != null) {
            return crossed(model, ols != null ? ols : ols(data));
        }
        if (data.summary() != null) {
            return moments(model, data.summary());
        }
        double[] beta = ols != null ? ols : ols(data);
        boolean scalar = model.residual().isScalar();
        DataMoments m = GroupReduce.reduce(data.groups(), data.observations(),
                () -> new DataMoments(beta, scalar, data.occasions(), data.q(), false), DataMoments::add,
                DataMoments::merge);
        return moments(model, m);
    }

    /** The moment start from the data's moments about the least-squares fit ({@link DataMoments}). */
    public static double[] moments(MixedModel model, DataMoments moments) {
        ModelData data = model.data();
        int q = data.q();
        boolean scalar = model.residual().isScalar();
        double[][][] within = scalar && q > 0 ? swamy(moments, q) : null;
        if (within != null) {
            return concat(model.residual().start(within[0]), model.randomEffects().start(within[1]));
        }
        int t = data.occasions();
        int tt = scalar ? 1 : t;
        double[][] sum = scalar ? new double[1][1] : moments.products();
        double[][] count = scalar ? new double[1][1] : moments.pairCounts();
        double[] diagonal = scalar ? moments.occasionSquares() : null;
        double[] diagonalCount = scalar ? moments.occasionCounts() : null;
        double total = moments.residualSquares();
        int n = moments.rows();
        double[] zz = moments.zSquares();
        double variance = n > 0 ? Math.max(total / n, 1e-12) : 1;
        if (scalar) {
            // the mean over occasions of the per-occasion variances: the trace of the T×T scatter over T
            double mean = 0;
            for (int a = 0; a < t; a++) {
                double v = diagonalCount[a] > 0 ? diagonal[a] / diagonalCount[a] : 0;
                mean += v > 0 ? v : variance;
            }
            sum[0][0] = t > 0 ? mean / t : 0;
            count[0][0] = 1;
            t = tt;
        }
        double share = q > 0 ? 0.5 : 1.0;
        double[][] cov = new double[t][t];
        for (int a = 0; a < t; a++) {
            for (int b = 0; b < t; b++) {
                cov[a][b] = count[a][b] > 0 ? share * sum[a][b] / count[a][b] : 0;
            }
            if (!(cov[a][a] > 0)) {
                cov[a][a] = share * variance;
            }
        }
        if (!Matrices.isPositiveDefinite(cov)) {
            // keep the variances, drop the covariances
            for (int a = 0; a < t; a++) {
                for (int b = 0; b < t; b++) {
                    if (a != b) {
                        cov[a][b] = 0;
                    }
                }
            }
        }
        double[] sigmaTheta = model.residual().start(cov);
        if (q == 0) {
            return sigmaTheta;
        }
        double[][] omega = new double[q][q];
        for (int a = 0; a < q; a++) {
            double meanSq = zz[a] / Math.max(n, 1);
            omega[a][a] = meanSq > 0 ? 0.5 * variance / meanSq : 1;
        }
        double[] omegaTheta = model.randomEffects().start(omega);
        double[] theta = new double[sigmaTheta.length + omegaTheta.length];
        System.arraycopy(sigmaTheta, 0, theta, 0, sigmaTheta.length);
        System.arraycopy(omegaTheta, 0, theta, sigmaTheta.length, omegaTheta.length);
        return theta;
    }

    /** Ω is kept at least this share of the coefficients' sampling covariance σ²M̄ in every direction ({@link #swamy}). */
    static final double SAMPLING_FLOOR = 0.05;

    /**
     * Swamy's moment estimator (Swamy 1970) for a scalar Σ, from the within-group regressions of the OLS residuals on
     * Z_i ({@link DataMoments}): σ² = Σ ‖r_i − Z_ib̂_i‖² / Σ (m_i − q), and with S_b the scatter of the groups'
     * b̂_i about their mean and M̄ the mean of (Z_i'Z_i)⁻¹ (E S_b = Ω + σ²M̄),
     * <pre>
     *   Ω = S_b − σ²M̄,   its eigenvalues relative to σ²M̄ = LL' (those of L⁻¹ΩL⁻ᵀ) floored at {@value #SAMPLING_FLOOR}.
     * </pre>
     * The floor keeps the start inside the cone when the data say little about Ω. Returns {[σ²]}, Ω, or null (the
     * plain start) with fewer than q + 2 groups whose Z_i has full column rank and more rows than columns.
     */
    static double[][][] swamy(DataMoments moments, int q) {
        int n = moments.regressions();
        double df = moments.withinDf();
        double sigma2 = df > 0 ? moments.withinRss() / df : 0;
        if (n < q + 2 || !(sigma2 > 0) || !Double.isFinite(sigma2)) {
            return null;
        }
        double[] sums = moments.coefficientSums();
        double[] products = moments.coefficientProducts();
        double[] sampling = moments.samplingSums();
        double[] omega = new double[q * q];
        double[] noise = new double[q * q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                double scatter = (products[a * q + b] - sums[a] * sums[b] / n) / (n - 1);
                noise[a * q + b] = sigma2 * sampling[a * q + b] / n;
                omega[a * q + b] = scatter - noise[a * q + b];
            }
        }
        if (!Cholesky.factor(noise, q)) {
            return null;
        }
        // W = L⁻¹ΩL⁻ᵀ: L⁻¹Ω, transposed, then L⁻¹ again
        Cholesky.forward(noise, q, omega, q);
        double[] half = transpose(omega, q);
        Cholesky.forward(noise, q, half, q);
        SymmetricEigen eig = SymmetricEigen.of(Matrices.square(half, q));
        double[] floored = eig.values().clone();
        for (int j = 0; j < q; j++) {
            floored[j] = Math.max(floored[j], SAMPLING_FLOOR);
        }
        double[] w = Matrices.flatten(eig.compose(floored));
        // Ω = L W L'
        double[][] out = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                double v = 0;
                for (int c = 0; c <= a; c++) {
                    for (int d = 0; d <= b; d++) {
                        v += noise[a * q + c] * w[c * q + d] * noise[b * q + d];
                    }
                }
                out[a][b] = v;
            }
        }
        return new double[][][] {{{sigma2}}, out};
    }

    private static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The start of a model with crossed terms ({@link org.lmm4j.model.CrossedTerms}): moment equations on the OLS
     * residuals r (Henderson's method 3 in spirit). For column a of term k with level sums S_l = Σ_{j∈l} z_ja r_j and
     * weights W_l = Σ_{j∈l} z_ja², treating the columns of all terms as independent random effects,
     * <pre>
     *   E Σ_l S_l²/W_l = ω_ka Σ_l W_l + Σ_{(j,b)≠(k,a)} ω_jb Σ_{l,m} c_lm²/W_l + L_k σ²,   E Σ r_j² = Σ_(j,b) ω_jb Σ z_jb² + N σ²,
     * </pre>
     * c_lm = Σ of z_ka z_jb over the rows in level l of k and m of j: the other terms' effects in a level's sum (students
     * in an instructor's ratings, instructors in a department's). The linear system is solved for the ω and σ²; the
     * ω are floored at s²/100 (s² = Σ r²/(N − p)), σ² at s²/10, and Ω is diagonal.
     */
    static double[] crossed(MixedModel model, double[] ols) {
        ModelData data = model.data();
        org.lmm4j.model.ModelFrame frame = model.crossed().frame();
        double[] r = data.groups().get(0).residual(ols);
        int n = r.length;
        double s2 = 0;
        for (double v : r) {
            s2 += v * v;
        }
        double total = s2;
        s2 = Math.max(s2 / Math.max(1, n - data.p()), 1e-12);
        int q = data.q();
        // the columns (term, a): their level codes, design values and level weights
        java.util.List<org.lmm4j.model.RandomEffectsTerm> terms = frame.terms();
        int[] termOf = new int[q];
        int[] colOf = new int[q];
        for (int k = 0; k < terms.size(); k++) {
            int o = model.crossed().columnOffset(k);
            for (int a = 0; a < terms.get(k).q(); a++) {
                termOf[o + a] = k;
                colOf[o + a] = a;
            }
        }
        double[][] weight = new double[q][];
        double[] between = new double[q];
        double[] zz = new double[q];
        for (int c = 0; c < q; c++) {
            org.lmm4j.model.RandomEffectsTerm t = terms.get(termOf[c]);
            double[] sum = new double[t.levelCount()];
            double[] w = new double[t.levelCount()];
            for (int j = 0; j < n; j++) {
                double z = t.z()[j * t.q() + colOf[c]];
                sum[t.levelOfRow()[j]] += z * r[j];
                w[t.levelOfRow()[j]] += z * z;
                zz[c] += z * z;
            }
            for (int l = 0; l < sum.length; l++) {
                if (w[l] > 0) {
                    between[c] += sum[l] * sum[l] / w[l];
                }
            }
            weight[c] = w;
        }
        // the system A (ω, σ²) = b
        double[][] a = new double[q + 1][q + 1];
        double[] b = new double[q + 1];
        for (int c = 0; c < q; c++) {
            org.lmm4j.model.RandomEffectsTerm t = terms.get(termOf[c]);
            int levels = 0;
            for (double w : weight[c]) {
                levels += w > 0 ? 1 : 0;
            }
            for (int e = 0; e < q; e++) {
                a[c][e] = e == c ? zz[c] : crossSquares(t, colOf[c], weight[c], terms.get(termOf[e]), colOf[e], n);
            }
            a[c][q] = levels;
            b[c] = between[c];
            a[q][c] = zz[c];
        }
        a[q][q] = n;
        b[q] = total;
        double[] solution = solveSmall(a, b);
        double[][] omega = new double[q][q];
        for (int c = 0; c < q; c++) {
            double mean = Math.max(zz[c] / n, 1e-300);
            // without a solution (a singular system): half the variance shared equally among the columns
            double value = solution == null ? s2 / 2 / q / mean : solution[c];
            omega[c][c] = Math.max(value, s2 / 100 / mean);
        }
        double sigma2 = solution == null ? s2 / 2 : solution[q];
        sigma2 = Math.max(Double.isFinite(sigma2) ? sigma2 : 0, s2 / 10);
        double[] sigmaTheta = model.residual().start(new double[][] {{sigma2}});
        double[] omegaTheta = model.randomEffects().start(omega);
        double[] theta = new double[sigmaTheta.length + omegaTheta.length];
        System.arraycopy(sigmaTheta, 0, theta, 0, sigmaTheta.length);
        System.arraycopy(omegaTheta, 0, theta, sigmaTheta.length, omegaTheta.length);
        return theta;
    }

    /** x with Ax = b by Gaussian elimination with partial pivoting (a small system), or null when A is singular. */
    private static double[] solveSmall(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = java.util.Arrays.copyOf(a0[i], n + 1);
            a[i][n] = b0[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) {
                    piv = i;
                }
            }
            if (!(Math.abs(a[piv][c]) > 0)) {
                return null;
            }
            double[] tmp = a[c];
            a[c] = a[piv];
            a[piv] = tmp;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) {
                    a[i][j] -= f * a[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = a[i][n];
            for (int j = i + 1; j < n; j++) {
                v -= a[i][j] * x[j];
            }
            x[i] = v / a[i][i];
            if (!Double.isFinite(x[i])) {
                return null;
            }
        }
        return x;
    }

    /** Σ_{l,m} c_lm²/W_l for column a of term t (weights W_l) and column b of term u, c_lm over the cells (l, m). */
    private static double crossSquares(org.lmm4j.model.RandomEffectsTerm t, int a, double[] weight,
                                       org.lmm4j.model.RandomEffectsTerm u, int b, int n) {
        java.util.HashMap<Long, double[]> cells = new java.util.HashMap<>();
        long width = u.levelCount();
        for (int j = 0; j < n; j++) {
            long key = t.levelOfRow()[j] * width + u.levelOfRow()[j];
            cells.computeIfAbsent(key, x -> new double[1])[0] += t.z()[j * t.q() + a] * u.z()[j * u.q() + b];
        }
        double s = 0;
        for (java.util.Map.Entry<Long, double[]> e : cells.entrySet()) {
            double w = weight[(int) (e.getKey() / width)];
            if (w > 0) {
                s += e.getValue()[0] * e.getValue()[0] / w;
            }
        }
        return s;
    }

    /**
     * Start values for estimators that search from several points, where the likelihood may have more than one local
     * minimum: the moment start first and
     * <ul>
     *   <li>for random effects beside a structured (non-scalar) Σ, whose variances can trade off, or beside other random
     *       terms (nested or crossed terms on the one-group path, whose variances trade off between the terms), two
     *       more that give the variance mostly to Ω (Σ × 1/4, Ω × 4) or mostly to Σ (Σ × 2, Ω × 1/10);</li>
     *   <li>for a marginal model with a structured Σ, whose GLS β̂ moves with Σ when X varies over the occasions, one
     *       more without the moment correlations: Σ = σ̄²I, σ̄² the mean of the moment variances.</li>
     * </ul>
     * Both kinds were met as distinct local minima in which Newton's method from the moment start settled while the
     * other estimators reached a lower one (docs/DESIGN.md §9, {@code multiStart}). One random term beside a scalar
     * Σ, a scalar marginal model and crossed terms on the blocked path (whose fits take seconds) keep the one start.
     */
    public static List<double[]> candidates(MixedModel model, double[] ols) {
        double[] moments = moments(model, ols);
        List<double[]> out = new ArrayList<>();
        out.add(moments);
        boolean tradeOff = model.data().q() > 0 && (!model.residual().isScalar() || severalTerms(model));
        if (tradeOff) {
            out.add(rescaled(model, moments, 0.25, 4));
            out.add(rescaled(model, moments, 2, 0.1));
        } else if (model.data().q() == 0 && !model.residual().isScalar()) {
            out.add(uncorrelated(model, moments));
        }
        return out;
    }

    /** True for random terms beside one another ({@link TermBlocks} of two or more) fitted as groups of the data. */
    private static boolean severalTerms(MixedModel model) {
        return model.crossed() == null && model.randomEffects() instanceof TermBlocks t && t.blocks().size() > 1;
    }

    /**
     * The marginal model's start from Σ = σ̄²I, σ̄² the mean of the variances of the moment start's Σ, through the
     * structure's {@code start} (σ̄²I itself for every structure that holds it).
     */
    private static double[] uncorrelated(MixedModel model, double[] theta) {
        int t = model.data().occasions();
        double[][] sigma = model.residual().matrix(java.util.Arrays.copyOf(theta, model.sigmaParameterCount()), t);
        double mean = 0;
        for (int a = 0; a < t; a++) {
            mean += sigma[a][a] / t;
        }
        double[][] scalar = new double[t][t];
        for (int a = 0; a < t; a++) {
            scalar[a][a] = mean;
        }
        return model.residual().start(scalar);
    }

    private static double[] rescaled(MixedModel model, double[] theta, double sigmaFactor, double omegaFactor) {
        int t = model.data().occasions();
        int q = model.data().q();
        int nSigma = model.sigmaParameterCount();
        double[] ts = java.util.Arrays.copyOfRange(theta, 0, nSigma);
        double[] to = java.util.Arrays.copyOfRange(theta, nSigma, theta.length);
        double[] s = model.residual().parameters(scaled(model.residual().matrix(ts, t), sigmaFactor));
        double[] o = model.randomEffects().parameters(scaled(model.randomEffects().matrix(to, q), omegaFactor));
        double[] out = new double[theta.length];
        System.arraycopy(s, 0, out, 0, s.length);
        System.arraycopy(o, 0, out, s.length, o.length);
        return out;
    }

    private static double[][] scaled(double[][] m, double c) {
        double[][] out = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                out[i][j] = c * m[i][j];
            }
        }
        return out;
    }

    /**
     * Ordinary least squares β over all rows, from the QR factorisation of {@link WorkingDesign} (no cross-products
     * of uncentred columns); zero when X is numerically rank-deficient.
     */
    public static double[] ols(ModelData data) {
        return WorkingDesign.of(data).leastSquares();
    }
}
