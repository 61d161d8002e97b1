package org.lmm4j.likelihood;

import java.util.List;
import java.util.stream.IntStream;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.pls.BlockedPenalisedLeastSquares;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.SymmetricEigen;
import org.lmm4j.model.CrossedTerms;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * The criterion of a model with large crossed random terms ({@link CrossedTerms}; docs/DESIGN.md §8), its gradient
 * and its Hessian, from the blocked penalised least squares factor ({@link BlockedPenalisedLeastSquares}), in the
 * θ = (σ², θ_Ω) of {@link ProfiledDeviance}: Σ = σ²I, Ω_k absolute. With Λ_k any square factor of Ω_k/σ²
 * (Cholesky; a symmetric square root when Ω_k is singular) and M = Λ'Z'ZΛ + I, V = σ²(I + ZΛΛ'Z'), so
 * <pre>
 *   log det V = N log σ² + log det M,   r'V⁻¹r = r²/σ²,   X'V⁻¹X = R_X'R_X/σ²,
 * </pre>
 * r² the penalised residual sum of squares at (û, β̂): the profile over β comes from the same factor as lme4's devfun.
 *
 * <p><b>Gradient</b> (matrix form, as the per-group paths give it: G_Ω_k = Σ_l Z_kl'(V⁻¹ − V⁻¹rr'V⁻¹)Z_kl, for REML
 * with V⁻¹ replaced by P = V⁻¹ − V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹ in the first term). From Λ'Z'V⁻¹ZΛ = (I − M⁻¹)/σ² and
 * Λ'Z'V⁻¹r = û/σ² (û = Λ'Z'r̃, r̃ the PLS residual), for every Λ_k,
 * <pre>
 *   T_k := Λ_k'G_Ω_kΛ_k = [L_k I − Σ_l (M⁻¹)_ll − Σ_l û_lû_l'/σ²]/σ²
 * </pre>
 * (REML: (M⁻¹)_ll replaced by the u-block of the inverse of [M, Λ'Z'X; X'ZΛ, X'X]); this is EM's identity
 * Ω_kG_kΩ_k = L_kΩ_k − Σ_l E[b_lb_l' | y]. Where Ω_k is regular (every eigenvalue of Ω_k/σ² above
 * {@value #REGULAR}), G_Ω_k = Λ_k'⁻¹T_kΛ_k⁻¹. The residual part follows from the scale invariance
 * Δ(cθ) = Δ(θ) + (N [− p]) log c + (1/c − 1) r'V⁻¹r of linear structures:
 * σ²G_Σ + Σ_k ⟨G_Ω_k, Ω_k⟩ = N [− p] − r²/σ², with ⟨G_Ω_k, Ω_k⟩ = σ² tr T_k, exact at every Λ.
 *
 * <p><b>Boundary.</b> At a singular Ω_k (a variance at zero, or a correlation at ±1) T_k = Λ_k'G_kΛ_k no longer
 * determines G_k (it only gives G_k on the range of Ω_k, and 0/0 as Ω_k → 0): there G_Ω_k is the one-sided derivative
 * of the criterion along positive semi-definite rank-one moves Ω_k + h vv' (v = e_a and e_a + e_b, the forward
 * three-point formula (−3Δ(0) + 4Δ(h) − Δ(2h))/2h, h = {@value #BOUNDARY_STEP} σ²), so that the matrix gradient the
 * Karush–Kuhn–Tucker check of the optimisation core reads is the true one-sided gradient to O(h²). Ω_k must be
 * positive semi-definite on this path (an indefinite Ω_k is inadmissible, +∞).
 *
 * <p><b>Hessian</b>: forward differences of the analytic θ-gradient, each coordinate stepped by
 * {@value #HESSIAN_STEP} of its scale (back when the forward point is inadmissible), symmetrised; the gradients are
 * evaluated in parallel (each itself split among the workers; no result depends on the thread count). When every
 * structure is linear, σ²'s column is not differenced but follows from the scale identity Hθ = −g − ∇ρ
 * ({@link #hessian}): K − 1 gradients per Hessian.
 */
final class CrossedDeviance {

    /** Ω_k/σ² regular when its smallest eigenvalue exceeds this. */
    static final double REGULAR = 1e-8;
    /** The step of the one-sided boundary gradient, relative to σ². */
    static final double BOUNDARY_STEP = 1e-5;
    /** The relative step of the finite-difference Hessian. */
    static final double HESSIAN_STEP = 1e-6;

    private final MixedModel model;
    private final CrossedTerms crossed;
    private final BlockedPenalisedLeastSquares pls;
    /** Factor order → frame term. */
    private final int[] frameIndex;
    private final List<RandomEffectsTerm> frameTerms;
    private final int n;
    private final int p;
    private final int q;
    private final boolean reml;

    CrossedDeviance(MixedModel model) {
        this.model = model;
        this.crossed = model.crossed();
        this.pls = new BlockedPenalisedLeastSquares(crossed.frame());
        this.frameIndex = pls.frameIndex();
        this.frameTerms = crossed.frame().terms();
        this.n = pls.observations();
        this.p = crossed.frame().p();
        this.q = model.data().q();
        this.reml = model.method() == Method.REML;
    }

    /** The blocked system (for reports of its size). */
    BlockedPenalisedLeastSquares system() {
        return pls;
    }

    /** The relative factors Λ_k in factor order, or null when σ² ≤ 0 or some Ω_k is not positive semi-definite. */
    private double[][] lambdas(CovarianceMatrices c) {
        double s2 = c.sigma()[0][0];
        if (!(s2 > 0)) {
            return null;
        }
        double[][] out = new double[frameIndex.length][];
        for (int k = 0; k < frameIndex.length; k++) {
            double[][] r = relative(c, frameIndex[k]);
            out[k] = factor(r);
            if (out[k] == null) {
                return null;
            }
        }
        return out;
    }

    /** Ω_f/σ² of frame term f. */
    private double[][] relative(CovarianceMatrices c, int f) {
        int o = crossed.columnOffset(f);
        int d = frameTerms.get(f).q();
        double s2 = c.sigma()[0][0];
        double[][] r = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                r[a][b] = c.omega()[o + a][o + b] / s2;
            }
        }
        return r;
    }

    /** A square factor of R (row-major): Cholesky, or a symmetric square root when R is singular; null if R ≱ 0. */
    private static double[] factor(double[][] r) {
        int d = r.length;
        if (d == 1) {
            return r[0][0] >= 0 ? new double[] {Math.sqrt(r[0][0])} : null;
        }
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * d + j] = r[i][j];
            }
        }
        if (Cholesky.factor(a, d)) {
            for (int i = 0; i < d; i++) {
                for (int j = i + 1; j < d; j++) {
                    a[i * d + j] = 0;
                }
            }
            return a;
        }
        SymmetricEigen e = SymmetricEigen.of(r);
        if (e.smallest() < -1e-10 * Math.max(1, Math.abs(e.largest()))) {
            return null;
        }
        double[] root = new double[d];
        for (int i = 0; i < d; i++) {
            root[i] = Math.sqrt(Math.max(0, e.values()[i]));
        }
        double[][] s = e.compose(root);
        double[] out = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = s[i][j];
            }
        }
        return out;
    }

    /**
     * The conditional modes (BLUPs) by term and level, b̂_l = Λ_k û_l with û the penalised least-squares solution
     * at θ (lme4's {@code ranef}): one {@code levels × q_k} array per term, in the frame's order and its levels'
     * order; null when θ is inadmissible.
     */
    double[][][] effects(CovarianceMatrices c) {
        double[][] lam = lambdas(c);
        if (lam == null) {
            return null;
        }
        BlockedPenalisedLeastSquares.Evaluation ev = pls.evaluate(lam, reml, BlockedPenalisedLeastSquares.SOLUTION,
                true);
        if (ev == null) {
            return null;
        }
        double[][][] out = new double[frameTerms.size()][][];
        for (int k = 0; k < frameIndex.length; k++) {
            int f = frameIndex[k];
            int d = frameTerms.get(f).q();
            int levels = frameTerms.get(f).levelCount();
            double[] u = ev.u()[k];
            double[][] b = new double[levels][d];
            for (int l = 0; l < levels; l++) {
                for (int a = 0; a < d; a++) {
                    double s = 0;
                    for (int e = 0; e < d; e++) { // Λ_k lower triangular, or symmetric where Ω_k is singular
                        s += lam[k][a * d + e] * u[l * d + e];
                    }
                    b[l][a] = s;
                }
            }
            out[f] = b;
        }
        return out;
    }

    /** The profile over β at c (model coordinates), or the inadmissible profile. */
    Profile profile(CovarianceMatrices c) {
        double[][] lam = lambdas(c);
        if (lam == null) {
            return Profile.inadmissible();
        }
        BlockedPenalisedLeastSquares.Evaluation ev = pls.evaluate(lam, reml, BlockedPenalisedLeastSquares.SOLUTION,
                true);
        return ev == null ? Profile.inadmissible() : profile(ev, c.sigma()[0][0]);
    }

    private Profile profile(BlockedPenalisedLeastSquares.Evaluation ev, double s2) {
        double[][] cov = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                cov[a][b] = s2 * ev.covBetaUnscaled()[a * p + b];
            }
        }
        double logDetV = n * Math.log(s2) + ev.logDetM();
        return new Profile(true, ev.beta().clone(), cov, logDetV, ev.prss() / s2, ev.logDetRx() - p * Math.log(s2));
    }

    /**
     * The profile and the matrix gradients (G_Σ 1 × 1, G_Ω q × q block-diagonal by term) at c, of the criterion and of
     * its part ρ = r'V⁻¹r alone (T_k^ρ = −Σ_l û_lû_l'/σ⁴, σ²G_Σ^ρ + Σ_k σ² tr T_k^ρ = −ρ), which the Hessian's
     * scale identity needs.
     */
    record Result(Profile profile, double[][] sigmaGradient, double[][] omegaGradient, double[][] rhoSigmaGradient,
                  double[][] rhoOmegaGradient) {
    }

    Result gradient(CovarianceMatrices c, boolean parallel) {
        double[][] lam = lambdas(c);
        if (lam == null) {
            return null;
        }
        BlockedPenalisedLeastSquares.Evaluation ev = pls.evaluate(lam, reml, BlockedPenalisedLeastSquares.INVERSE,
                parallel);
        if (ev == null) {
            return null;
        }
        double s2 = c.sigma()[0][0];
        double[][] omegaGradient = new double[q][q];
        double[][] rhoOmega = new double[q][q];
        double traces = 0;
        double rhoTraces = 0;
        for (int k = 0; k < frameIndex.length; k++) {
            int f = frameIndex[k];
            RandomEffectsTerm t = frameTerms.get(f);
            int d = t.q();
            int levels = t.levelCount();
            double[] u = ev.u()[k];
            double[] inv = ev.inverseBlocks()[k];
            double[] tk = new double[d * d];
            double[] tRho = new double[d * d];
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    double uu = 0;
                    for (int l = 0; l < levels; l++) {
                        uu += u[l * d + a] * u[l * d + b];
                    }
                    tk[a * d + b] = ((a == b ? levels : 0) - inv[a * d + b] - uu / s2) / s2;
                    tRho[a * d + b] = -uu / (s2 * s2);
                }
            }
            for (int a = 0; a < d; a++) {
                traces += tk[a * d + a];
                rhoTraces += tRho[a * d + a];
            }
            double[][][] g = regular(relative(c, f))
                    ? new double[][][] {unwhiten(lam[k], tk, d), unwhiten(lam[k], tRho, d)} : boundaryGradient(c, f);
            if (g == null) {
                return null;
            }
            int o = crossed.columnOffset(f);
            for (int a = 0; a < d; a++) {
                System.arraycopy(g[0][a], 0, omegaGradient[o + a], o, d);
                System.arraycopy(g[1][a], 0, rhoOmega[o + a], o, d);
            }
        }
        double dfTerm = reml ? n - p : n;
        double rho = ev.prss() / s2;
        double gSigma = (dfTerm - rho - s2 * traces) / s2;
        double rhoSigma = (-rho - s2 * rhoTraces) / s2;
        return new Result(profile(ev, s2), new double[][] {{gSigma}}, omegaGradient, new double[][] {{rhoSigma}},
                rhoOmega);
    }

    /** True when every eigenvalue of R exceeds {@value #REGULAR}. */
    private static boolean regular(double[][] r) {
        if (r.length == 1) {
            return r[0][0] > REGULAR;
        }
        return SymmetricEigen.of(r).smallest() > REGULAR;
    }

    /** G = Λ'⁻¹ T Λ⁻¹ for a lower-triangular (Cholesky) Λ. */
    private static double[][] unwhiten(double[] lam, double[] t, int d) {
        // X = T Λ⁻¹: solve X Λ = T row by row (Λ lower: back-substitution over columns)
        double[] x = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = d - 1; j >= 0; j--) {
                double v = t[i * d + j];
                for (int k = j + 1; k < d; k++) {
                    v -= x[i * d + k] * lam[k * d + j];
                }
                x[i * d + j] = v / lam[j * d + j];
            }
        }
        // G = Λ'⁻¹ X: solve Λ' G = X column by column
        double[][] g = new double[d][d];
        for (int c = 0; c < d; c++) {
            for (int i = d - 1; i >= 0; i--) {
                double v = x[i * d + c];
                for (int k = i + 1; k < d; k++) {
                    v -= lam[k * d + i] * g[k][c];
                }
                g[i][c] = v / lam[i * d + i];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                double s = (g[a][b] + g[b][a]) / 2;
                g[a][b] = s;
                g[b][a] = s;
            }
        }
        return g;
    }

    /**
     * G_Ω of frame term f at a singular Ω_f: one-sided derivatives along Ω_f + h vv' (see the class comment); null
     * when a point is inadmissible.
     */
    private double[][][] boundaryGradient(CovarianceMatrices c, int f) {
        int d = frameTerms.get(f).q();
        int o = crossed.columnOffset(f);
        double h = BOUNDARY_STEP * c.sigma()[0][0];
        double[] f0 = criterionAndRho(c);
        double[][][] out = new double[2][d][d];
        double[][][] pair = new double[2][d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                double[] v = new double[d];
                v[a] = 1;
                if (b != a) {
                    v[b] = 1;
                }
                double[] f1 = criterionAndRho(moved(c, o, v, h));
                double[] f2 = criterionAndRho(moved(c, o, v, 2 * h));
                if (f1 == null || f2 == null || f0 == null) {
                    return null;
                }
                for (int w = 0; w < 2; w++) {
                    pair[w][a][b] = (-3 * f0[w] + 4 * f1[w] - f2[w]) / (2 * h);
                }
            }
        }
        for (int w = 0; w < 2; w++) {
            double[][] g = out[w];
            for (int a = 0; a < d; a++) {
                g[a][a] = pair[w][a][a];
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    // v'Gv for v = e_a + e_b is G_aa + G_bb + 2G_ab
                    double gab = (pair[w][a][b] - pair[w][a][a] - pair[w][b][b]) / 2;
                    g[a][b] = gab;
                    g[b][a] = gab;
                }
            }
        }
        return out;
    }

    /** The criterion and ρ = r'V⁻¹r at c, or null when inadmissible. */
    private double[] criterionAndRho(CovarianceMatrices c) {
        double[][] lam = lambdas(c);
        if (lam == null) {
            return null;
        }
        BlockedPenalisedLeastSquares.Evaluation ev = pls.evaluate(lam, reml, BlockedPenalisedLeastSquares.VALUE, true);
        if (ev == null) {
            return null;
        }
        double s2 = c.sigma()[0][0];
        double v = n * Math.log(s2) + ev.logDetM() + ev.prss() / s2;
        return new double[] {reml ? v + ev.logDetRx() - p * Math.log(s2) : v, ev.prss() / s2};
    }

    private static CovarianceMatrices moved(CovarianceMatrices c, int o, double[] v, double h) {
        double[][] omega = new double[c.omega().length][];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = c.omega()[i].clone();
        }
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                omega[o + a][o + b] += h * v[a] * v[b];
            }
        }
        return new CovarianceMatrices(c.sigma(), omega);
    }

    /**
     * The Hessian of the criterion in θ by forward differences of the analytic gradient {@code gradient} (see the class
     * comment), from the gradient {@code g0} at θ; null when no admissible step is found in some coordinate.
     *
     * @param scaleColumn when ≥ 0, the coordinate whose column is not differenced but follows from the scale identity
     *                    Hθ = −g − ∇ρ (structures linear in θ, so that the criterion changes with θ → cθ by
     *                    (N [− p]) log c + (1/c − 1)ρ): H e_s = (−g − ∇ρ − Σ_{j≠s} θ_j H e_j)/θ_s; −1 for none
     * @param rho0        ∇ρ at θ (used with {@code scaleColumn})
     */
    static double[][] hessian(double[] theta, double[] g0, double[] rho0, int scaleColumn,
                              java.util.function.Function<double[], double[]> gradient) {
        int k = theta.length;
        double scale = 0;
        for (double t : theta) {
            scale = Math.max(scale, Math.abs(t));
        }
        double floor = 1e-3 * Math.max(scale, 1e-300);
        double[][] columns = new double[k][];
        double[] steps = new double[k];
        IntStream.range(0, k).filter(j -> j != scaleColumn).parallel().forEach(j -> {
            double h = HESSIAN_STEP * Math.max(Math.abs(theta[j]), floor);
            for (double sign : new double[] {1, -1}) {
                double[] x = theta.clone();
                x[j] += sign * h;
                double[] g = gradient.apply(x);
                if (g != null) {
                    columns[j] = g;
                    steps[j] = sign * h;
                    return;
                }
            }
        });
        double[][] hess = new double[k][k];
        for (int j = 0; j < k; j++) {
            if (j == scaleColumn) {
                continue;
            }
            if (columns[j] == null) {
                return null;
            }
            for (int i = 0; i < k; i++) {
                hess[i][j] = (columns[j][i] - g0[i]) / steps[j];
            }
        }
        if (scaleColumn >= 0) {
            for (int i = 0; i < k; i++) {
                double v = -g0[i] - rho0[i];
                for (int j = 0; j < k; j++) {
                    if (j != scaleColumn) {
                        v -= theta[j] * hess[i][j];
                    }
                }
                hess[i][scaleColumn] = v / theta[scaleColumn];
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                double s = (hess[i][j] + hess[j][i]) / 2;
                hess[i][j] = s;
                hess[j][i] = s;
            }
        }
        return hess;
    }
}
