package org.lmm4j.app.invariants;

import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
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
     * Quasi-Newton (BFGS) descent on θ ↦ Δ_p(θ) (Δ_R(θ) for REML) with the analytic gradient of
     * ProfiledDeviance and an Armijo backtracking line search that stays in the admissible region (Σ
     * positive definite, Ω positive semi-definite). β̂, BLUPs and standard errors are left to
     * FitAssembler, as every estimator should.
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
        public FitResult fit(MixedModel model, FitOptions options) {
            long start = System.nanoTime();
            ProfiledDeviance deviance = new ProfiledDeviance(model);
            double[] theta0 = StartValues.moments(model);
            double[] theta = theta0.clone();
            int k = theta.length;
            Gradient g = deviance.gradient(theta);
            double[][] h = scaledIdentity(k, g.norm());
            long evaluations = 1;
            int quiet = 0;
            int iteration = 0;
            boolean fresh = true;
            for (; iteration < 5 * options.maxIterations() && quiet < 3; iteration++) {
                double[] d = new double[k];
                double slope = 0;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        d[i] -= h[i][j] * g.theta()[j];
                    }
                    slope += d[i] * g.theta()[i];
                }
                Gradient next = null;
                double[] trial = null;
                for (double t = 1; t > 1e-18 && next == null; t /= 2) {
                    trial = theta.clone();
                    for (int i = 0; i < k; i++) {
                        trial[i] += t * d[i];
                    }
                    evaluations++;
                    if (deviance.isAdmissible(trial, options.constrainPsd())) {
                        Gradient gt = deviance.gradient(trial);
                        if (gt != null && gt.criterion() <= g.criterion() + 1e-4 * t * slope) {
                            next = gt;
                        }
                    }
                }
                if (next == null || !(slope < 0)) {
                    if (fresh) {
                        break; // not even steepest descent moves: a (boundary) minimum
                    }
                    h = scaledIdentity(k, g.norm());
                    fresh = true;
                    continue;
                }
                double[] s = new double[k];
                double[] y = new double[k];
                double sy = 0;
                for (int i = 0; i < k; i++) {
                    s[i] = trial[i] - theta[i];
                    y[i] = next.theta()[i] - g.theta()[i];
                    sy += s[i] * y[i];
                }
                if (sy > 0) {
                    h = bfgsUpdate(h, s, y, sy);
                    fresh = false;
                }
                quiet = g.criterion() - next.criterion() <= 1e-13 * (1 + Math.abs(next.criterion())) ? quiet + 1 : 0;
                theta = trial;
                g = next;
            }
            // honest statuses: CONVERGED only where θ is stationary (each gradient component, scaled by its
            // parameter's size, negligible); a stall elsewhere is NOT_CONVERGED, which the contract then
            // accepts only at a point no worse than its reference minimum
            double largest = 0;
            for (double v : theta) {
                largest = Math.max(largest, Math.abs(v));
            }
            double worst = 0;
            for (int i = 0; i < k; i++) {
                worst = Math.max(worst, Math.abs(g.theta()[i]) * (Math.abs(theta[i]) + 1e-6 * largest));
            }
            boolean stationary = worst <= 1e-4 * (1 + Math.abs(g.criterion()));
            FitStatus status = stationary && iteration < 5 * options.maxIterations() ? FitStatus.CONVERGED
                    : FitStatus.NOT_CONVERGED;
            String reason = status == FitStatus.CONVERGED ? "" : "stopped at a non-stationary point";
            return FitAssembler.assemble(deviance, new OptimisationSummary(name(), status, reason, theta0, theta, iteration,
                    evaluations, System.nanoTime() - start, List.of(), List.of(), "BFGS, Armijo backtracking"));
        }

        /** The inverse-Hessian BFGS update H ← (I − ρsy')H(I − ρys') + ρss', ρ = 1/s'y. */
        private static double[][] bfgsUpdate(double[][] h, double[] s, double[] y, double sy) {
            int k = s.length;
            double[] hy = new double[k];
            double yhy = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    hy[i] += h[i][j] * y[j];
                }
                yhy += y[i] * hy[i];
            }
            double[][] out = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    out[i][j] = h[i][j] + (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
            return out;
        }

        private static double[][] scaledIdentity(int k, double gradientNorm) {
            double[][] h = new double[k][k];
            for (int i = 0; i < k; i++) {
                h[i][i] = 1 / Math.max(1, gradientNorm);
            }
            return h;
        }
    }
}
