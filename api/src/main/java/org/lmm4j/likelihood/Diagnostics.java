package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Structural checks of a compiled model that do not depend on θ. The main one: random effects
 * confounded with fixed effects, when in every group the columns of Z_i lie in the span of the
 * columns of X_i (e.g. a fixed line per subject plus a random line per subject). Then Ω is not
 * identified: under a positive semi-definite Ω the optimum is Ω̂ = 0, and if Ω need only keep V_i
 * positive definite the deviance is unbounded below (paper-targets.md, the random/free cell).
 */
public final class Diagnostics {

    private Diagnostics() {
    }

    /** True when every group's Z_i lies in the column span of its X_i (and the model has random effects). */
    public static boolean randomEffectsConfounded(ModelData data) {
        int q = data.q();
        int p = data.p();
        if (q == 0) {
            return false;
        }
        for (Group g : data.groups()) {
            if (!inSpan(g.x(), p, g.z(), q, g.size())) {
                return false;
            }
        }
        return true;
    }

    /** The warnings the structural checks give for a model. */
    public static List<String> confoundingWarnings(ModelData data) {
        List<String> out = new ArrayList<>();
        if (randomEffectsConfounded(data)) {
            out.add("the random effects are confounded with the fixed effects: in every group the columns of Z lie in "
                    + "the span of X, so Ω is not identified (Ω̂ = 0 under a positive semi-definite Ω; with Ω only "
                    + "required to keep V positive definite the likelihood is unbounded)");
        }
        return out;
    }

    /** Whether each column of Z (m×q) is (numerically) a linear combination of the columns of X (m×p). */
    static boolean inSpan(double[] x, int p, double[] z, int q, int m) {
        // Gram–Schmidt on the columns of X, then check the residual of each Z column.
        List<double[]> basis = new ArrayList<>();
        for (int c = 0; c < p; c++) {
            double[] v = new double[m];
            for (int j = 0; j < m; j++) {
                v[j] = x[j * p + c];
            }
            double norm0 = norm(v);
            orthogonalise(v, basis);
            double norm = norm(v);
            if (norm > 1e-10 * Math.max(norm0, 1e-300) && norm > 1e-300) {
                for (int j = 0; j < m; j++) {
                    v[j] /= norm;
                }
                basis.add(v);
            }
        }
        for (int c = 0; c < q; c++) {
            double[] v = new double[m];
            for (int j = 0; j < m; j++) {
                v[j] = z[j * q + c];
            }
            double norm0 = norm(v);
            orthogonalise(v, basis);
            if (norm(v) > 1e-8 * Math.max(norm0, 1e-300)) {
                return false;
            }
        }
        return true;
    }

    private static void orthogonalise(double[] v, List<double[]> basis) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] b : basis) {
                double d = 0;
                for (int j = 0; j < v.length; j++) {
                    d += v[j] * b[j];
                }
                for (int j = 0; j < v.length; j++) {
                    v[j] -= d * b[j];
                }
            }
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }
}
