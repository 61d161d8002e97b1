package org.lmm4j.inference;

import java.util.function.Function;

/**
 * Numerical derivatives by central differences refined by Richardson extrapolation, the method of numDeriv
 * (Gilbert &amp; Varadhan) that lmerTest uses: A_0(h) = (f(x + h) − f(x − h)) / 2h at h, h/2, h/4, h/8, then
 * A_k(h) = (4^k A_{k−1}(h/2) − A_{k−1}(h)) / (4^k − 1), which removes the error terms h², h⁴, h⁶ in turn.
 * The one place in lmm4j where derivatives are taken numerically.
 */
public final class NumericalDerivative {

    /** Relative step, numDeriv's {@code d}. */
    public static final double RELATIVE_STEP = 1e-4;

    /** Step for a coordinate at zero, numDeriv's {@code eps}. */
    public static final double ZERO_STEP = 1e-4;

    /** numDeriv's four steps h, h/2, h/4, h/8: error O(h⁸). */
    public static final int DEFAULT_LEVELS = 4;

    private NumericalDerivative() {
    }

    /**
     * The Jacobian of a vector-valued f at x: {@code jac[k]} = ∂f/∂x_k (a vector of f's length). Returns null when f
     * returns null (an inadmissible point) anywhere on the stencil.
     */
    public static double[][] jacobian(Function<double[], double[]> f, double[] x) {
        return jacobian(f, x, DEFAULT_LEVELS);
    }

    /** The Jacobian with {@code levels} steps h, h/2, ... (1: plain central differences, error O(h²)). */
    public static double[][] jacobian(Function<double[], double[]> f, double[] x, int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("levels must be at least 1");
        }
        double[][] jac = new double[x.length][];
        for (int k = 0; k < x.length; k++) {
            double h = Math.abs(x[k]) > 0 ? RELATIVE_STEP * Math.abs(x[k]) : ZERO_STEP;
            jac[k] = partial(f, x, k, h, levels);
            if (jac[k] == null) {
                return null;
            }
        }
        return jac;
    }

    private static double[] partial(Function<double[], double[]> f, double[] x, int k, double h, int levels) {
        double[][] a = new double[levels][];
        for (int i = 0; i < levels; i++) {
            double step = h / (1 << i);
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[k] += step;
            minus[k] -= step;
            double[] fp = f.apply(plus);
            double[] fm = f.apply(minus);
            if (fp == null || fm == null) {
                return null;
            }
            a[i] = new double[fp.length];
            for (int m = 0; m < fp.length; m++) {
                a[i][m] = (fp[m] - fm[m]) / (2 * step);
            }
        }
        for (int level = 1; level < levels; level++) {
            double four = Math.pow(4, level);
            for (int i = 0; i < levels - level; i++) {
                for (int m = 0; m < a[i].length; m++) {
                    a[i][m] = (four * a[i + 1][m] - a[i][m]) / (four - 1);
                }
            }
        }
        return a[0];
    }
}
