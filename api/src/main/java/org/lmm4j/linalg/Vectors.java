package org.lmm4j.linalg;

/** Dot products, norms and quadratic forms on plain arrays: the one home of these small kernels. */
public final class Vectors {

    private Vectors() {
    }

    /** a'b. */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** ‖a‖₂. */
    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** ‖a‖∞. */
    public static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** v'Mv for a square M. */
    public static double quadraticForm(double[] v, double[][] m) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            double r = 0;
            for (int j = 0; j < v.length; j++) {
                r += m[i][j] * v[j];
            }
            s += v[i] * r;
        }
        return s;
    }

    /** The outer product vv'. */
    public static double[][] outer(double[] v) {
        double[][] out = new double[v.length][v.length];
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                out[a][b] = v[a] * v[b];
            }
        }
        return out;
    }
}
