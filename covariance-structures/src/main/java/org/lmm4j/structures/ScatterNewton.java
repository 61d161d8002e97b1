package org.lmm4j.structures;

import org.lmm4j.api.Control;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.optimise.SecondOrderStep;
import org.lmm4j.optimise.SmoothObjective;

/**
 * The normal-theory M-step by Newton's method: maximise f(θ) = −n log det S(θ) − tr(S(θ)⁻¹C) over θ for any
 * structure, from an admissible start, with the optimisation core's {@link SecondOrderStep} on −f.
 *
 * <p>With P = S⁻¹, W = PCP and E_k = ∂S/∂θ_k the gradient is g_k = tr((W − nP)E_k) and the observed information
 * (the Hessian of −f) is N_kl = 2 tr(E_k P E_l W) − n tr(P E_k P E_l) − tr((W − nP) ∂²S/∂θ_k∂θ_l); the shared step
 * floors its eigenvalues where N is not positive definite and back-tracks until S stays positive definite and f
 * rises (Armijo), so the result is never worse than the start. Structures without a closed form (Toeplitz, or a
 * plug-in) can use it directly.
 */
public final class ScatterNewton {

    private static final int MAX_ITERATIONS = 200;

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
        SecondOrderStep stepper = new SecondOrderStep(Control.defaults());
        SmoothObjective minusF = (x, full) -> -StructureMath.objective(structure.matrix(x, d), c, n);
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
            double[] minusG = new double[p];
            for (int k = 0; k < p; k++) {
                pe[k] = multiply(inv, e[k]);
                we[k] = multiply(w, e[k]);
                minusG[k] = -traceOfProduct(m, e[k]);
            }
            double[][] observed = new double[p][p];
            for (int k = 0; k < p; k++) {
                for (int l = 0; l <= k; l++) {
                    double second = 0;
                    if (!structure.isLinear()) {
                        double[][] ekl = structure.secondDerivative(theta, d, k, l);
                        if (ekl != null) {
                            second = traceOfProduct(m, ekl);
                        }
                    }
                    double obs = 2 * traceOfProduct(pe[l], we[k]) - n * traceOfProduct(pe[k], pe[l]) - second;
                    observed[k][l] = obs;
                    observed[l][k] = obs;
                }
            }
            SecondOrderStep.Direction dir = stepper.direction(minusG, observed, null);
            if (!(dir.decrement() > 1e-13 * (1 + Math.abs(f)))) {
                break;
            }
            SecondOrderStep.Step step = stepper.search(minusF, theta, -f, dir, 1e-14 * (1 + Math.abs(f)));
            if (step == null) {
                break;
            }
            theta = step.x();
            f = -step.value();
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

}
