package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * A plain reference minimiser of the profiled criterion for the estimator contract (not a plug-in):
 * BFGS on θ with the analytic gradient of {@link ProfiledDeviance}, an Armijo backtracking line search
 * that only accepts admissible points (Σ positive definite, Ω positive semi-definite), restarted from
 * the steepest descent when the quasi-Newton direction fails. Slow near a boundary, so the contract
 * only asks an estimator to be at least as low as this reference.
 */
public final class ReferenceMinimiser implements Estimator {

    /** Its name in results. */
    public static final String NAME = "testkit-reference-bfgs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test kit: BFGS on the profiled criterion with backtracking inside the admissible region";
    }

    /** The reference must stay independent of the optimisation core: no Newton finish after it. */
    @Override
    public boolean wantsFinish() {
        return false;
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance pd, double[] start, FitOptions options) {
        int k = pd.thetaLength();
        double[] theta = start.clone();
        Gradient g = pd.gradient(theta);
        long evaluations = 1;
        List<IterationRecord> trace = new ArrayList<>();
        if (g == null || !pd.isAdmissible(theta, options.constrainPsd())) {
            return EstimatorRun.failed("inadmissible start", theta);
        }
        double f = g.criterion();
        double[] grad = g.theta();
        double[][] h = identity(k, 1 / Math.max(1, norm(grad)));
        FitStatus status = FitStatus.NOT_CONVERGED;
        int iteration = 0;
        int quiet = 0;
        int maxIterations = Math.max(options.maxIterations(), 2000);
        while (iteration < maxIterations) {
            iteration++;
            double[] d = new double[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    d[i] -= h[i][j] * grad[j];
                }
            }
            double slope = dot(d, grad);
            if (!(slope < 0)) {
                h = identity(k, 1 / Math.max(1, norm(grad)));
                for (int i = 0; i < k; i++) {
                    d[i] = -h[i][i] * grad[i];
                }
                slope = dot(d, grad);
            }
            double step = 1;
            double[] next = null;
            double fNext = Double.POSITIVE_INFINITY;
            for (int back = 0; back < 60; back++) {
                double[] trial = theta.clone();
                for (int i = 0; i < k; i++) {
                    trial[i] += step * d[i];
                }
                evaluations++;
                if (pd.isAdmissible(trial, options.constrainPsd())) {
                    double ft = pd.criterion(trial);
                    if (ft <= f + 1e-4 * step * slope) {
                        next = trial;
                        fNext = ft;
                        break;
                    }
                }
                step /= 2;
            }
            if (next == null) {
                if (isScaledIdentity(h)) {
                    status = FitStatus.CONVERGED;
                    break;
                }
                h = identity(k, 1 / Math.max(1, norm(grad)));
                continue;
            }
            Gradient gn = pd.gradient(next);
            double[] s = new double[k];
            double[] y = new double[k];
            for (int i = 0; i < k; i++) {
                s[i] = next[i] - theta[i];
                y[i] = gn.theta()[i] - grad[i];
            }
            double sy = dot(s, y);
            if (sy > 1e-12 * norm(s) * norm(y)) {
                h = bfgs(h, s, y, sy);
            }
            double change = f - fNext;
            theta = next;
            f = fNext;
            grad = gn.theta();
            trace.add(new IterationRecord(iteration, f, norm(grad), step, evaluations));
            quiet = change <= 1e-13 * (1 + Math.abs(f)) ? quiet + 1 : 0;
            if (quiet >= 3) {
                status = FitStatus.CONVERGED;
                break;
            }
        }
        return new EstimatorRun(status, "", theta, iteration, evaluations, trace, List.of());
    }

    private static double[][] bfgs(double[][] h, double[] s, double[] y, double sy) {
        int k = s.length;
        double[] hy = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                hy[i] += h[i][j] * y[j];
            }
        }
        double yhy = dot(y, hy);
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = h[i][j] + (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
            }
        }
        return out;
    }

    private static boolean isScaledIdentity(double[][] h) {
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                if (i != j && h[i][j] != 0 || h[i][i] != h[0][0]) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[][] identity(int k, double scale) {
        double[][] h = new double[k][k];
        for (int i = 0; i < k; i++) {
            h[i][i] = scale;
        }
        return h;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
