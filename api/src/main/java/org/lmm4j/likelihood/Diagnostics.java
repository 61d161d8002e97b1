package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Structural checks of a compiled model that do not depend on θ. The main one: random effects
 * confounded with fixed effects, when the random-effects design lies in the column span of the
 * fixed-effects design — every column of the block-diagonal Z (group i's Z_i in its own rows, zeros
 * elsewhere) is a combination of the columns of X (e.g. a fixed line per subject plus a random line
 * per subject; not a common line plus a random line per subject). Then Ω is not identified: under a
 * positive semi-definite Ω the optimum is Ω̂ = 0, and if Ω need only keep V_i positive definite the
 * deviance is unbounded below (paper-targets.md, the random/free cell).
 */
public final class Diagnostics {

    /** Relative squared residual below which a column counts as lying in the span of X. */
    private static final double SPAN_TOLERANCE = 1e-8;

    private Diagnostics() {
    }

    /**
     * True when the model has random effects and every column of the block-diagonal Z lies in the
     * column span of X. Computed group by group: a column z of Z_i (zero outside group i) has squared
     * distance z'z − c'(X'X)⁻¹c from span(X), with c = X_i'z and X'X = Σ_i X_i'X_i.
     */
    public static boolean randomEffectsConfounded(ModelData data) {
        int q = data.q();
        int p = data.p();
        if (q == 0 || p == 0) {
            return false;
        }
        // X'X (lower triangle) on both cores, in chunk order (the same sums on any number of threads)
        double[] xtx = GroupReduce.reduce(data.groups(), data.observations(), () -> new double[p * p], (acc, g) -> {
            double[] x = g.x();
            for (int j = 0; j < g.size(); j++) {
                for (int a = 0; a < p; a++) {
                    double xa = x[j * p + a];
                    for (int b = 0; b <= a; b++) {
                        acc[a * p + b] += xa * x[j * p + b];
                    }
                }
            }
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
        Matrices.symmetrizeFromLower(xtx, p);
        if (!Cholesky.factor(xtx, p)) {
            return false;
        }
        for (Group g : data.groups()) {
            double[] x = g.x();
            double[] z = g.z();
            for (int a = 0; a < q; a++) {
                double zz = 0;
                double[] c = new double[p];
                for (int j = 0; j < g.size(); j++) {
                    double zj = z[j * q + a];
                    zz += zj * zj;
                    for (int b = 0; b < p; b++) {
                        c[b] += x[j * p + b] * zj;
                    }
                }
                if (zz == 0) {
                    continue;
                }
                double[] w = c.clone();
                Cholesky.forward(xtx, p, w, 1);
                double explained = 0;
                for (double v : w) {
                    explained += v * v;
                }
                if (zz - explained > SPAN_TOLERANCE * zz) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The warnings the structural checks give for a model. */
    public static List<String> confoundingWarnings(ModelData data) {
        List<String> out = new ArrayList<>();
        if (randomEffectsConfounded(data)) {
            out.add("the random effects are confounded with the fixed effects: every group's random-effects columns lie "
                    + "in the span of the fixed effects, so Ω is not identified (Ω̂ = 0 under a positive semi-definite Ω; with Ω only "
                    + "required to keep V positive definite the likelihood is unbounded)");
        }
        return out;
    }
}
