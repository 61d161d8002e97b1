package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * A q×q covariance on the standard-deviation and correlation scale, S = D R D with D = diag(s_1..s_q) and R the
 * correlation matrix (free: every ρ_ab, a &gt; b; diagonal: R = I), optionally with one of these natural
 * parameters ψ held at a fixed value: the structure a profile-likelihood refit uses to hold a standard deviation
 * or a correlation fixed (lme4's {@code profile}) while any estimator minimises over the others. ψ is ordered
 * s_1..s_q, then ρ_ab for a = 1..q−1, b &lt; a; θ is ψ without the held entry.
 *
 * <p>Derivatives (with S_ab = s_a s_b ρ_ab, ρ_aa = 1): ∂S/∂s_k has (k,b) and (b,k) entries s_b ρ_kb (2s_k at
 * (k,k)); ∂S/∂ρ_ab has s_a s_b at (a,b) and (b,a); ∂²S/∂s_k∂s_l = ρ_kl at (k,l), (l,k) (2 at (k,k));
 * ∂²S/∂s_k∂ρ_ab = s_b at (a,b), (b,a) if k = a (s_a if k = b); ∂²S/∂ρ∂ρ' = 0. The free parameters enter θ as
 * log s_k and atanh ρ_ab (chain rule applied): no estimator can reach the mirror image s_k &lt; 0 (with the
 * correlations held, the same S as −ρ), and a correlation that tends to ±1 (a profile that runs into a singular
 * fit) is approached smoothly instead of being cut by the boundary.
 */
public final class StandardDeviationScale implements CovarianceStructure {

    private static final int MAX_RESTARTS = 20;
    /** Correlations are clamped to ±(1 − 1e-12) before atanh. */
    private static final double LARGEST_CORRELATION = 1 - 1e-12;

    private final int q;
    private final boolean correlated;
    /** Index in ψ of the held parameter, or −1. */
    private final int held;
    private final double heldValue;

    private StandardDeviationScale(int q, boolean correlated, int held, double heldValue) {
        this.q = q;
        this.correlated = correlated;
        this.held = held;
        this.heldValue = heldValue;
    }

    /** S = DRD over all its natural parameters (free R when {@code correlated}, else R = I). */
    public static StandardDeviationScale of(int q, boolean correlated) {
        return new StandardDeviationScale(q, correlated, -1, Double.NaN);
    }

    /** The same structure with natural parameter {@code index} held at {@code value}. */
    public StandardDeviationScale holding(int index, double value) {
        if (index < 0 || index >= naturalCount()) {
            throw new IllegalArgumentException("no natural parameter " + index);
        }
        return new StandardDeviationScale(q, correlated, index, value);
    }

    /** The number of natural parameters ψ (q standard deviations, and q(q−1)/2 correlations when correlated). */
    public int naturalCount() {
        return correlated ? q + q * (q - 1) / 2 : q;
    }

    /** ψ of a covariance matrix: standard deviations, then the correlations (0 where a variance is 0). */
    public double[] natural(double[][] s) {
        double[] psi = new double[naturalCount()];
        for (int a = 0; a < q; a++) {
            psi[a] = Math.sqrt(Math.max(s[a][a], 0));
        }
        if (correlated) {
            int k = q;
            for (int a = 1; a < q; a++) {
                for (int b = 0; b < a; b++) {
                    double d = psi[a] * psi[b];
                    psi[k++] = d > 0 ? s[a][b] / d : 0;
                }
            }
        }
        return psi;
    }

    /** θ (ψ without the held entry, standard deviations as logarithms) from ψ. */
    public double[] theta(double[] psi) {
        double[] theta = new double[psi.length - (held < 0 ? 0 : 1)];
        double floor = 0;
        for (int a = 0; a < q; a++) {
            floor = Math.max(floor, 1e-8 * Math.abs(psi[a]));
        }
        for (int k = 0, j = 0; k < psi.length; k++) {
            if (k != held) {
                theta[j++] = k < q ? Math.log(Math.max(Math.abs(psi[k]), floor > 0 ? floor : Double.MIN_NORMAL))
                        : atanh(Math.max(-LARGEST_CORRELATION, Math.min(LARGEST_CORRELATION, psi[k])));
            }
        }
        return theta;
    }

    /** ψ from θ, with the held value put back. */
    public double[] natural(double[] theta) {
        double[] psi = new double[naturalCount()];
        for (int k = 0, j = 0; k < psi.length; k++) {
            if (k == held) {
                psi[k] = heldValue;
            } else {
                psi[k] = k < q ? Math.exp(theta[j]) : Math.tanh(theta[j]);
                j++;
            }
        }
        return psi;
    }

    /** ∂ψ_k/∂θ of a free natural parameter: s_k for a standard deviation (θ = log s_k), 1 − ρ² for a correlation (θ = atanh ρ). */
    private static double chain(double[] psi, int k, int q) {
        return k < q ? psi[k] : 1 - psi[k] * psi[k];
    }

    /** ∂²ψ_k/∂θ²: s_k, or −2ρ(1 − ρ²). */
    private static double chain2(double[] psi, int k, int q) {
        return k < q ? psi[k] : -2 * psi[k] * (1 - psi[k] * psi[k]);
    }

    private static double atanh(double r) {
        return 0.5 * Math.log((1 + r) / (1 - r));
    }

    @Override
    public String name() {
        return held < 0 ? "sd-scale" : "sd-scale-held";
    }

    @Override
    public String description() {
        return "covariance as standard deviations and correlations (profile likelihood)";
    }

    @Override
    public int parameterCount(int dimension) {
        checkDimension(dimension);
        return naturalCount() - (held < 0 ? 0 : 1);
    }

    @Override
    public List<String> parameterNames(int dimension) {
        checkDimension(dimension);
        List<String> names = new ArrayList<>();
        for (int a = 0; a < q; a++) {
            names.add("sd(" + (a + 1) + ")");
        }
        if (correlated) {
            for (int a = 1; a < q; a++) {
                for (int b = 0; b < a; b++) {
                    names.add("cor(" + (a + 1) + "," + (b + 1) + ")");
                }
            }
        }
        if (held >= 0) {
            names.remove(held);
        }
        return List.copyOf(names);
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        checkDimension(dimension);
        double[] psi = natural(theta);
        double[][] r = correlation(psi);
        double[][] s = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                s[a][b] = psi[a] * psi[b] * r[a][b];
            }
        }
        return s;
    }

    private double[][] correlation(double[] psi) {
        double[][] r = Matrices.identity(q);
        if (correlated) {
            int k = q;
            for (int a = 1; a < q; a++) {
                for (int b = 0; b < a; b++) {
                    r[a][b] = psi[k];
                    r[b][a] = psi[k];
                    k++;
                }
            }
        }
        return r;
    }

    /** ∂S/∂ψ_k for every natural parameter. */
    private double[][][] naturalDerivatives(double[] psi) {
        double[][] r = correlation(psi);
        double[][][] d = new double[naturalCount()][q][q];
        for (int k = 0; k < q; k++) {
            for (int b = 0; b < q; b++) {
                double v = b == k ? 2 * psi[k] : psi[b] * r[k][b];
                d[k][k][b] = v;
                d[k][b][k] = v;
            }
        }
        if (correlated) {
            int k = q;
            for (int a = 1; a < q; a++) {
                for (int b = 0; b < a; b++) {
                    d[k][a][b] = psi[a] * psi[b];
                    d[k][b][a] = psi[a] * psi[b];
                    k++;
                }
            }
        }
        return d;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        checkDimension(dimension);
        double[] psi = natural(theta);
        double[][][] all = naturalDerivatives(psi);
        double[][][] out = new double[parameterCount(q)][][];
        for (int k = 0, j = 0; k < all.length; k++) {
            if (k != held) {
                out[j++] = scaled(all[k], chain(psi, k, q));
            }
        }
        return out;
    }

    private static double[][] scaled(double[][] m, double c) {
        double[][] out = new double[m.length][m.length];
        for (int a = 0; a < m.length; a++) {
            for (int b = 0; b < m.length; b++) {
                out[a][b] = c * m[a][b];
            }
        }
        return out;
    }

    /**
     * ∂²S/∂θ_k∂θ_l = c_a c_b ∂²S/∂ψ_a∂ψ_b + [a = b] c2_a ∂S/∂ψ_a, with ψ_a, ψ_b the natural parameters of θ_k, θ_l,
     * c = ∂ψ/∂θ and c2 = ∂²ψ/∂θ² (s and s for a standard deviation, 1 − ρ² and −2ρ(1 − ρ²) for a correlation).
     */
    @Override
    public double[][] secondDerivative(double[] theta, int dimension, int k, int l) {
        checkDimension(dimension);
        double[] psi = natural(theta);
        int a = naturalIndex(k);
        int b = naturalIndex(l);
        double[][] d = naturalSecondDerivative(psi, a, b);
        double c = chain(psi, a, q) * chain(psi, b, q);
        double[][] out = d == null ? new double[q][q] : scaled(d, c);
        if (a == b) {
            double[][] first = naturalDerivatives(psi)[a];
            double c2 = chain2(psi, a, q);
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < q; j++) {
                    out[i][j] += c2 * first[i][j];
                }
            }
        }
        return out;
    }

    /** ∂²S/∂ψ_a∂ψ_b, null when zero. */
    private double[][] naturalSecondDerivative(double[] psi, int a, int b) {
        if (a > b) {
            int swap = a;
            a = b;
            b = swap;
        }
        double[][] d = new double[q][q];
        if (b < q) {
            // two standard deviations
            double v = a == b ? 2 : correlation(psi)[a][b];
            d[a][b] = v;
            d[b][a] = v;
            return d;
        }
        if (a >= q) {
            return null;
        }
        int[] pair = pair(b);
        if (a == pair[0]) {
            d[pair[0]][pair[1]] = psi[pair[1]];
        } else if (a == pair[1]) {
            d[pair[0]][pair[1]] = psi[pair[0]];
        } else {
            return null;
        }
        d[pair[1]][pair[0]] = d[pair[0]][pair[1]];
        return d;
    }

    /** (a, b) of the correlation at natural index k ≥ q. */
    private int[] pair(int k) {
        int j = q;
        for (int a = 1; a < q; a++) {
            for (int b = 0; b < a; b++) {
                if (j++ == k) {
                    return new int[] {a, b};
                }
            }
        }
        throw new IllegalArgumentException("no correlation at " + k);
    }

    private int naturalIndex(int thetaIndex) {
        return held >= 0 && thetaIndex >= held ? thetaIndex + 1 : thetaIndex;
    }

    @Override
    public boolean isLinear() {
        return false;
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    /** Positive definite: every standard deviation non-zero and R positive definite. */
    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        return Matrices.isPositiveDefinite(matrix(theta, dimension));
    }

    @Override
    public double[] parameters(double[][] matrix) {
        return theta(natural(matrix));
    }

    /**
     * ψ of the sample covariance with the held entry put in and the correlations shrunk by a tenth (a rank-deficient
     * sample has correlations of ±1); when that is still not positive definite, the free correlations are set to 0.
     */
    @Override
    public double[] start(double[][] sampleCovariance) {
        double[] psi = natural(sampleCovariance);
        for (int k = 0; k < q; k++) {
            if (!(psi[k] > 0)) {
                psi[k] = 1;
            }
        }
        for (int k = q; k < psi.length; k++) {
            psi[k] *= 0.9;
        }
        if (held >= 0) {
            psi[held] = heldValue;
        }
        double[] theta = theta(psi);
        if (!isPositiveDefinite(theta, q)) {
            for (int k = q; k < psi.length; k++) {
                if (k != held) {
                    psi[k] = 0;
                }
            }
            theta = theta(psi);
        }
        return theta;
    }

    /**
     * The M-step maximiser of −n log det S − tr(S⁻¹C): without a held parameter S = C/n; with one, the
     * Nelder–Mead simplex of Commons Math from C/n with the held entry put in, restarted from its result until a
     * restart no longer improves (the usual remedy for a simplex that stalls).
     */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        double[][] c = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                c[a][b] = scatter[a][b] / n;
            }
        }
        double[] start = start(c);
        if (held < 0 || start.length == 0) {
            return start;
        }
        MultivariateFunction f = theta -> CovarianceStructure.scatterObjective(matrix(theta, q), scatter, n);
        double[] step = new double[start.length];
        for (int k = 0; k < step.length; k++) {
            step[k] = 0.1;
        }
        double[] point = start;
        double value = f.value(point);
        for (int restart = 0; restart < MAX_RESTARTS; restart++) {
            PointValuePair best = new SimplexOptimizer(1e-11, 1e-13).optimize(new MaxEval(100_000),
                    new ObjectiveFunction(f), GoalType.MAXIMIZE, new InitialGuess(point), new NelderMeadSimplex(step));
            boolean improved = best.getValue() > value + 1e-14 * Math.max(1, Math.abs(value));
            if (best.getValue() >= value) {
                point = best.getPoint();
                value = best.getValue();
            }
            if (!improved) {
                break;
            }
        }
        return polish(f, point, value);
    }

    /**
     * Refines the simplex's point by Powell's BOBYQA (dimension ≥ 2) or Brent's method (dimension 1), Commons Math,
     * in a box of ±1 around it, where S stays positive definite near a maximiser; keeps the better point.
     */
    private static double[] polish(MultivariateFunction f, double[] point, double value) {
        int n = point.length;
        MultivariateFunction finite = x -> {
            double v = f.value(x);
            return Double.isFinite(v) ? v : -Double.MAX_VALUE;
        };
        double[] best = point;
        double bestValue = value;
        try {
            if (n == 1) {
                UnivariatePointValuePair r = new BrentOptimizer(1e-14, 1e-300).optimize(new MaxEval(10_000),
                        new UnivariateObjectiveFunction(x -> finite.value(new double[] {x})), GoalType.MAXIMIZE,
                        new SearchInterval(point[0] - 1, point[0] + 1, point[0]));
                if (r.getValue() > bestValue) {
                    best = new double[] {r.getPoint()};
                }
            } else {
                double[] lo = new double[n];
                double[] hi = new double[n];
                for (int k = 0; k < n; k++) {
                    lo[k] = point[k] - 1;
                    hi[k] = point[k] + 1;
                }
                PointValuePair r = new BOBYQAOptimizer(2 * n + 1, 1e-3, 1e-13).optimize(new MaxEval(100_000),
                        new ObjectiveFunction(finite), GoalType.MAXIMIZE, new InitialGuess(point), new SimpleBounds(lo, hi));
                if (r.getValue() > bestValue) {
                    best = r.getPoint();
                }
            }
        } catch (org.apache.commons.math3.exception.MathIllegalStateException e) {
            // BOBYQA stops this way when its trust region cannot improve on the start: the simplex's point stands
            return best;
        }
        return best;
    }

    private void checkDimension(int dimension) {
        if (dimension != q) {
            throw new IllegalArgumentException("this structure is " + q + "×" + q + ", not " + dimension + "×" + dimension);
        }
    }
}
