package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
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
 * ∂²S/∂s_k∂ρ_ab = s_b at (a,b), (b,a) if k = a (s_a if k = b); ∂²S/∂ρ∂ρ' = 0.
 */
public final class StandardDeviationScale implements CovarianceStructure {

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

    /** θ (ψ without the held entry) from ψ. */
    public double[] theta(double[] psi) {
        if (held < 0) {
            return psi.clone();
        }
        double[] theta = new double[psi.length - 1];
        for (int k = 0, j = 0; k < psi.length; k++) {
            if (k != held) {
                theta[j++] = psi[k];
            }
        }
        return theta;
    }

    /** ψ from θ, with the held value put back. */
    public double[] natural(double[] theta) {
        if (held < 0) {
            return theta.clone();
        }
        double[] psi = new double[theta.length + 1];
        for (int k = 0, j = 0; k < psi.length; k++) {
            psi[k] = k == held ? heldValue : theta[j++];
        }
        return psi;
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
        double[][][] all = naturalDerivatives(natural(theta));
        double[][][] out = new double[parameterCount(q)][][];
        for (int k = 0, j = 0; k < all.length; k++) {
            if (k != held) {
                out[j++] = all[k];
            }
        }
        return out;
    }

    @Override
    public double[][] secondDerivative(double[] theta, int dimension, int k, int l) {
        checkDimension(dimension);
        double[] psi = natural(theta);
        int a = naturalIndex(k);
        int b = naturalIndex(l);
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

    @Override
    public double[] start(double[][] sampleCovariance) {
        double[] psi = natural(sampleCovariance);
        if (held >= 0) {
            psi[held] = heldValue;
        }
        return theta(psi);
    }

    /**
     * The M-step maximiser of −n log det S − tr(S⁻¹C): without a held parameter S = C/n; with one, the
     * Nelder–Mead simplex of Commons Math from C/n with the held entry put in.
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
            step[k] = naturalIndex(k) < q ? 0.1 * Math.max(Math.abs(start[k]), 1e-3) : 0.1;
        }
        PointValuePair best = new SimplexOptimizer(1e-12, 1e-14).optimize(new MaxEval(20_000),
                new ObjectiveFunction(f), GoalType.MAXIMIZE, new InitialGuess(start), new NelderMeadSimplex(step));
        return best.getPoint();
    }

    private void checkDimension(int dimension) {
        if (dimension != q) {
            throw new IllegalArgumentException("this structure is " + q + "×" + q + ", not " + dimension + "×" + dimension);
        }
    }
}
