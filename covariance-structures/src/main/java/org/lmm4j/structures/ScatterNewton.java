package org.lmm4j.structures;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;

/**
 * A damped Newton / Fisher-scoring solve of the normal-theory M-step: maximise
 * f(θ) = −n log det S(θ) − tr(S(θ)⁻¹C) over θ for any structure, from an admissible start.
 *
 * <p>With P = S⁻¹, W = PCP and E_k = ∂S/∂θ_k the gradient is g_k = tr((W − nP)E_k); the expected
 * (Fisher) information is F_kl = n tr(P E_k P E_l) and the observed information is
 * N_kl = 2 tr(E_k P E_l W) − n tr(P E_k P E_l) − tr((W − nP) ∂²S/∂θ_k∂θ_l). Each step solves N δ = g
 * when N is positive definite, F δ = g otherwise, and halves the step until S stays positive definite
 * and f does not fall, so the result is never worse than the start. Structures without a closed
 * form (Toeplitz, or a plug-in) can use it directly.
 */
public final class ScatterNewton {

    private static final int MAX_ITERATIONS = 200;
    private static final int MAX_HALVINGS = 60;

    private ScatterNewton() {
    }

    /**
     * The maximiser of f from {@code start}, which must be admissible. Returns {@code start} itself
     * (copied) when no step improves on it.
     */
    public static double[] maximise(CovarianceStructure structure, double[] start, double[][] scatter, double n) {
        int d = StructureMath.dimensionOf(scatter);
        double[][] c = StructureMath.scaled(scatter, 1);
        double[] theta = start.clone();
        double f = StructureMath.objective(structure.matrix(theta, d), c, n);
        if (f == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("start is not admissible for " + structure.name());
        }
        int p = theta.length;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[][] s = structure.matrix(theta, d);
            double[][] inv = Matrices.inverseSpd(s);
            if (inv == null) {
                break;
            }
            double[][] w = multiply(multiply(inv, c), inv);
            double[][] m = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    m[i][j] = w[i][j] - n * inv[i][j];
                }
            }
            double[][][] e = structure.derivatives(theta, d);
            double[][][] pe = new double[p][][];
            double[][][] we = new double[p][][];
            double[] g = new double[p];
            for (int k = 0; k < p; k++) {
                pe[k] = multiply(inv, e[k]);
                we[k] = multiply(w, e[k]);
                g[k] = traceOfProduct(m, e[k]);
            }
            double[] fisher = new double[p * p];
            double[] observed = new double[p * p];
            for (int k = 0; k < p; k++) {
                for (int l = 0; l <= k; l++) {
                    double pp = traceOfProduct(pe[k], pe[l]);
                    double second = 0;
                    if (!structure.isLinear()) {
                        double[][] ekl = structure.secondDerivative(theta, d, k, l);
                        if (ekl != null) {
                            second = traceOfProduct(m, ekl);
                        }
                    }
                    double obs = 2 * traceOfProduct(pe[l], we[k]) - n * pp - second;
                    fisher[k * p + l] = n * pp;
                    fisher[l * p + k] = n * pp;
                    observed[k * p + l] = obs;
                    observed[l * p + k] = obs;
                }
            }
            double[] delta = solve(observed, g, p);
            if (delta == null || dot(g, delta) <= 0) {
                delta = solve(fisher, g, p);
            }
            if (delta == null) {
                break;
            }
            double decrement = dot(g, delta);
            if (!(decrement > 1e-13 * (1 + Math.abs(f)))) {
                break;
            }
            double step = 1;
            boolean moved = false;
            for (int h = 0; h < MAX_HALVINGS; h++, step *= 0.5) {
                double[] trial = new double[p];
                for (int k = 0; k < p; k++) {
                    trial[k] = theta[k] + step * delta[k];
                }
                double ft = StructureMath.objective(structure.matrix(trial, d), c, n);
                if (ft >= f) {
                    moved = ft > f || step == 1;
                    theta = trial;
                    f = ft;
                    break;
                }
            }
            if (!moved) {
                break;
            }
        }
        return theta;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int d = a.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                double aik = a[i][k];
                if (aik == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    out[i][j] += aik * b[k][j];
                }
            }
        }
        return out;
    }

    /** tr(AB) = Σ_ij A_ij B_ji. */
    private static double traceOfProduct(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i][j] * b[j][i];
            }
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Solves A x = b for symmetric positive definite A (flat p×p), or null when A is not. */
    private static double[] solve(double[] a, double[] b, int p) {
        double[] l = a.clone();
        if (!Cholesky.factor(l, p)) {
            return null;
        }
        double[] x = b.clone();
        Cholesky.solve(l, p, x, 1);
        return x;
    }
}
