package org.lmm4j.app.invariants;

import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitStatus;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.linalg.Vectors;
import org.lmm4j.optimise.SecondOrderStep;
import org.lmm4j.optimise.SmoothObjective;
import org.lmm4j.testkit.EstimatorContract;
import org.lmm4j.testkit.ModelSpec;

/**
 * The worked example of the README's plug-in author's guide: a new estimator (quasi-Newton descent on the
 * profiled criterion, in a few dozen lines) checked against the whole
 * estimator contract of the test kit by a three-line subclass.
 */
class PluginAuthorExampleTest extends EstimatorContract {

    @Override
    protected Estimator estimator() {
        return new QuasiNewtonEstimator();
    }

    /**
     * Optional: aim the generated models. This example has no boundary handling (a line search that
     * meets the edge of the admissible region just stops), so it is held to marginal models, whose Σ
     * structures keep the minimum inside; the balanced orthonormal BLUP models are generated regardless.
     */
    @Override
    protected ModelSpec spec() {
        return ModelSpec.wellPosed().withRandomDesigns(0);
    }

    /**
     * Quasi-Newton (BFGS) descent on θ ↦ Δ_p(θ) (Δ_R(θ) for REML) with the analytic gradient of ProfiledDeviance and
     * the optimisation core's Armijo line search ({@link SecondOrderStep#search}), inside the admissible region (Σ
     * positive definite, Ω positive semi-definite). The host builds the criterion, chooses the start, runs the
     * shared Newton finish if asked and assembles β̂, BLUPs and standard errors: the plug-in is its algorithm.
     */
    static final class QuasiNewtonEstimator implements Estimator {

        @Override
        public String name() {
            return "quasi-newton-example";
        }

        @Override
        public String description() {
            return "example plug-in: BFGS on the profiled criterion";
        }

        @Override
        public EstimatorRun minimise(ProfiledDeviance deviance, double[] start, FitOptions options) {
            long[] evaluations = {1};
            SmoothObjective f = (x, full) -> {
                evaluations[0]++;
                return deviance.isAdmissible(x, options.constrainPsd()) ? deviance.criterion(x) : Double.POSITIVE_INFINITY;
            };
            SecondOrderStep core = new SecondOrderStep(options.control());
            double[] theta = start.clone();
            Gradient g = deviance.gradient(theta);
            double[][] h = Matrices.identity(theta.length);
            int iteration = 0;
            boolean fresh = true;
            while (iteration < options.maxIterations()) {
                double[] d = new double[theta.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = -Vectors.dot(h[i], g.theta()) / Math.max(1, fresh ? g.norm() : 1);
                }
                SecondOrderStep.Step step = core.search(f, theta, g.criterion(),
                        new SecondOrderStep.Direction(d, -Vectors.dot(d, g.theta()), false, false),
                        1e-14 * (1 + Math.abs(g.criterion())));
                if (step == null) {
                    if (fresh) {
                        break; // not even the scaled gradient step moves: a (boundary) minimum
                    }
                    h = Matrices.identity(theta.length);
                    fresh = true;
                    continue;
                }
                iteration++;
                evaluations[0]++;
                Gradient next = deviance.gradient(step.x());
                bfgsUpdate(h, step.x(), theta, next.theta(), g.theta());
                fresh = false;
                boolean small = g.criterion() - next.criterion() <= options.tolerance() * (1 + Math.abs(next.criterion()));
                theta = step.x();
                g = next;
                if (small) {
                    break;
                }
            }
            // honest statuses: CONVERGED only where θ is stationary (each gradient component, scaled by its
            // parameter's size, negligible); a stall elsewhere is NOT_CONVERGED
            double worst = 0;
            for (int i = 0; i < theta.length; i++) {
                worst = Math.max(worst, Math.abs(g.theta()[i]) * (Math.abs(theta[i]) + 1e-6 * Vectors.maxAbs(theta)));
            }
            boolean stationary = worst <= 1e-4 * (1 + Math.abs(g.criterion()));
            return new EstimatorRun(stationary ? FitStatus.CONVERGED : FitStatus.NOT_CONVERGED,
                    stationary ? "" : "stopped at a non-stationary point", theta, iteration, evaluations[0], List.of(),
                    List.of());
        }

        /** The inverse-Hessian BFGS update H ← H + (s'y + y'Hy)ss'/(s'y)² − (Hys' + sy'H)/s'y, skipped unless s'y &gt; 0. */
        private static void bfgsUpdate(double[][] h, double[] x1, double[] x0, double[] g1, double[] g0) {
            int k = x1.length;
            double[] s = new double[k];
            double[] y = new double[k];
            for (int i = 0; i < k; i++) {
                s[i] = x1[i] - x0[i];
                y[i] = g1[i] - g0[i];
            }
            double sy = Vectors.dot(s, y);
            if (!(sy > 0)) {
                return;
            }
            double[] hy = new double[k];
            for (int i = 0; i < k; i++) {
                hy[i] = Vectors.dot(h[i], y);
            }
            double c = (sy + Vectors.dot(y, hy)) / (sy * sy);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    h[i][j] += c * s[i] * s[j] - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
    }
}
