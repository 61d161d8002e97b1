package org.lmm4j.optimise;

import org.lmm4j.api.Control;
import org.lmm4j.linalg.SymmetricEigen;
import org.lmm4j.linalg.Vectors;

/**
 * The one constrained second-order step of the project (docs/DESIGN.md, "The optimisation core"): a direction
 * from a metric M (the Hessian: Newton; the expected information: Fisher scoring), modified where M is not positive
 * definite, then Armijo back-tracking on the objective. Used by the profiled Newton loop ({@link ProfiledNewton}),
 * which serves the Newton estimator and the finishing step of every other, by alternating's θ-step and by the
 * structures' numerical M-steps.
 *
 * <ul>
 *   <li>Direction: d = −D M̃⁻¹ D g with the Jacobi scaling D = diag(|M_ii|^-1/2) (so the floor below does not depend
 *       on the scale of the data) and M̃ = Q diag(max(|λ|, floor)) Q' of the scaled metric, floor =
 *       {@link Control#eigenFloor()} × the largest |λ| (a Levenberg–Marquardt-type damping that also follows negative
 *       curvature downhill). With an active face of normal a and a direction that heads out (a'd &lt; 0), d minimises
 *       g'd + d'M̃d/2 subject to a'd = 0: d = −M̃⁻¹(g − μa), μ = a'M̃⁻¹g / a'M̃⁻¹a.</li>
 *   <li>Line search: α = 1, ½, ¼, … ({@link Control#maxHalvings()}) until f(x + αd) ≤ f(x) + {@link Control#armijo()}
 *       α g'd at an admissible point; steepest descent (scaled to the Cauchy step on |M|) when the modified
 *       direction finds none.</li>
 * </ul>
 */
public final class SecondOrderStep {

    private final Control control;

    public SecondOrderStep(Control control) {
        this.control = control;
    }

    /**
     * A search direction with its decrement −g'd (the predicted fall of a quadratic model, twice the Newton
     * decrement), whether it is steepest descent and whether it was restricted to a face.
     */
    public record Direction(double[] d, double decrement, boolean steepest, boolean projected) {
    }

    /** An accepted step: the new point, its value, the step fraction α and the length of the step taken. */
    public record Step(double[] x, double value, double alpha, double length) {
    }

    /** The modified direction for gradient g and metric M, restricted to the face of normal {@code face} if not null. */
    public Direction direction(double[] g, double[][] metric, double[] face) {
        int n = g.length;
        if (n == 0) {
            return new Direction(new double[0], 0, false, false);
        }
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            double mii = Math.abs(metric[i][i]);
            scale[i] = mii > 0 && Double.isFinite(mii) ? 1 / Math.sqrt(mii) : 1;
        }
        double[][] scaled = new double[n][n];
        double[] gScaled = new double[n];
        for (int i = 0; i < n; i++) {
            gScaled[i] = scale[i] * g[i];
            for (int j = 0; j < n; j++) {
                scaled[i][j] = scale[i] * metric[i][j] * scale[j];
            }
        }
        SymmetricEigen eig = SymmetricEigen.of(scaled);
        double floor = Math.max(control.eigenFloor() * eig.spectralNorm(), Double.MIN_NORMAL);
        double[] mg = eig.solveFloored(floor, gScaled);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = -mg[i];
        }
        boolean projected = false;
        if (face != null) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = scale[i] * face[i];
            }
            if (Vectors.dot(a, d) < 0) {
                double[] ma = eig.solveFloored(floor, a);
                double ama = Vectors.dot(a, ma);
                if (ama > 0) {
                    double mu = Vectors.dot(a, mg) / ama;
                    for (int i = 0; i < n; i++) {
                        d[i] += mu * ma[i];
                    }
                    projected = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] *= scale[i];
        }
        return new Direction(d, -Vectors.dot(g, d), false, projected);
    }

    /** Steepest descent, scaled so that its length matches the gradient's Cauchy step on |M|. */
    public Direction steepest(double[] g, double[][] metric) {
        double gg = Vectors.dot(g, g);
        double gmg = Vectors.quadraticForm(g, metric);
        double scale = gmg > 0 ? gg / gmg : 1 / Math.max(Math.sqrt(gg), Double.MIN_NORMAL);
        double[] d = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            d[i] = -scale * g[i];
        }
        return new Direction(d, scale * gg, true, false);
    }

    /**
     * Back-tracking from α = 1 until f falls enough (Armijo) at an admissible point; null when no α does, or when
     * at an admissible trial the predicted fall drops below a thousandth of {@code noise} (the rounding level of f).
     */
    public Step search(SmoothObjective f, double[] x, double fx, Direction dir, double noise) {
        double slope = -dir.decrement();
        if (!(slope < 0)) {
            return null;
        }
        double alpha = 1;
        for (int h = 0; h <= control.maxHalvings(); h++, alpha /= 2) {
            double[] trial = x.clone();
            for (int i = 0; i < trial.length; i++) {
                trial[i] += alpha * dir.d()[i];
            }
            double v = f.value(trial, h == 0);
            if (!Double.isFinite(v)) {
                continue;
            }
            if (v <= fx + control.armijo() * alpha * slope) {
                return new Step(trial, v, alpha, alpha * Vectors.norm(dir.d()));
            }
            if (Math.abs(alpha * slope) < noise * 1e-3) {
                return null;
            }
        }
        return null;
    }

    /** One step: the modified direction, then steepest descent if that finds no acceptable point; null when neither does. */
    public Step step(SmoothObjective f, double[] x, double fx, double[] g, double[][] metric, double noise) {
        Direction dir = direction(g, metric, null);
        Step s = search(f, x, fx, dir, noise);
        return s != null ? s : search(f, x, fx, steepest(g, metric), noise);
    }
}
