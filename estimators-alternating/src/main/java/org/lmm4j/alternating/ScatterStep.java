package org.lmm4j.alternating;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.optimise.Boundary;

/**
 * The closed-form θ-step of a marginal model (no random effects) in which every group is seen once at
 * each of the T occasions. Then, with R the n × T matrix of residuals r_i = y_i − X_iβ at fixed β, the
 * deviance is the paper's Δ(B, Σ) = n log det Σ + tr Σ⁻¹ C with C = Σ_i r_ir_i' = R'R, and its
 * minimiser over Σ is the structure's maximiser of −n log det Σ − tr Σ⁻¹C
 * ({@link CovarianceStructure#maximise}): C/n for a free Σ, diag(C)/n for a diagonal one, tr C/(nT) for a scalar one.
 *
 * <p>When that maximiser is singular (e.g. a line per subject with a free Σ: C has rank T − 2), the
 * deviance may have no minimum: it is probed along Σ_ε = maximise(C + ε n s I) with s = tr C/(nT), ε → 0, and the
 * decade test of {@link Boundary} decides whether it falls without bound.
 */
final class ScatterStep {

    private static final double[] PROBE = {1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12};

    private final FixedBetaObjective objective;
    private final MixedModel model;
    private final Boundary boundary;

    ScatterStep(FixedBetaObjective objective, Boundary boundary) {
        this.objective = objective;
        this.model = objective.deviance().model();
        this.boundary = boundary;
    }

    /** True for ML marginal models whose every group has each occasion exactly once. */
    static boolean applies(MixedModel model) {
        ModelData data = model.data();
        if (data.q() > 0 || model.method() != Method.ML) {
            return false;
        }
        int t = data.occasions();
        for (Group g : data.groups()) {
            if (g.size() != t) {
                return false;
            }
            boolean[] seen = new boolean[t];
            for (int o : g.occasion()) {
                if (seen[o]) {
                    return false;
                }
                seen[o] = true;
            }
        }
        return true;
    }

    /**
     * The step from θ at fixed β, given F(β, θ) = {@code current}; null when the closed form does not
     * lower F (a structure whose maximiser is only approximate), so the caller falls back to scoring.
     */
    ThetaUpdate step(double[] beta, double[] theta, double current) {
        ModelData data = model.data();
        int t = data.occasions();
        int p = data.p();
        double[][] scatter = new double[t][t];
        for (Group g : data.groups()) {
            double[] y = g.y();
            double[] x = g.x();
            int[] o = g.occasion();
            int m = g.size();
            double[] r = new double[m];
            for (int j = 0; j < m; j++) {
                double s = y[j];
                for (int c = 0; c < p; c++) {
                    s -= x[j * p + c] * beta[c];
                }
                r[j] = s;
            }
            for (int j = 0; j < m; j++) {
                double[] row = scatter[o[j]];
                for (int l = 0; l < m; l++) {
                    row[o[l]] += r[j] * r[l];
                }
            }
        }
        double n = data.groupCount();
        CovarianceStructure structure = model.residual();
        double[] next = structure.maximise(scatter, n);
        if (structure.isPositiveDefinite(next, t)) {
            double value = objective.value(beta, next);
            if (value <= current) {
                return new ThetaUpdate(next, value, 1, Double.NaN);
            }
            return null;
        }
        return probe(beta, scatter, n, current);
    }

    /**
     * Where the maximiser is singular: the point Σ_ε = maximise(C + ε n s I), s = tr C/(nT), closest to the singular
     * limit at which F still falls (ε = 10⁻², 10⁻⁴, …), so the outer loop sees Σ degenerate; when F falls by more
     * than the decade test asks along the whole path ({@link Boundary#fallsWithoutBound}), the step says so and the
     * run ends UNBOUNDED. Null when F does not fall along the path.
     */
    private ThetaUpdate probe(double[] beta, double[][] scatter, double n, double current) {
        int t = scatter.length;
        double s = 0;
        for (int a = 0; a < t; a++) {
            s += scatter[a][a];
        }
        double scale = s / (n * t);
        java.util.function.DoubleFunction<double[]> ridged = eps -> {
            double[][] m = Matrices.copy(scatter);
            for (int a = 0; a < t; a++) {
                m[a][a] += eps * n * scale;
            }
            return model.residual().maximise(m, n);
        };
        double[] last = null;
        double lastValue = current;
        for (double eps : PROBE) {
            double[] th = ridged.apply(eps);
            double value = objective.value(beta, th);
            if (!(value < lastValue)) {
                break;
            }
            last = th;
            lastValue = value;
        }
        if (last == null) {
            return null;
        }
        boolean unbounded = boundary.fallsWithoutBound(eps -> objective.value(beta, ridged.apply(eps)));
        return new ThetaUpdate(last, lastValue, PROBE.length, Double.NaN, unbounded);
    }
}
