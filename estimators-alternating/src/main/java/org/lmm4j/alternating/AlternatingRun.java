package org.lmm4j.alternating;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.GroupBlock;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the alternating estimator: the outer loop β-step (GLS) then θ-step (fixed β) until neither
 * moves, with the trace, the status and the unboundedness check. Outer iteration k:
 * β_k = β̂(θ_k); θ_{k+1} = argmin_θ F(β_k, θ) (or a point that lowers it); the criterion
 * c(θ) = min_β F(β, θ) then satisfies c(θ_{k+1}) ≤ F(β_k, θ_{k+1}) ≤ F(β_k, θ_k) = c(θ_k).
 *
 * <p>Convergence: the criterion falls by at most tolerance × (1 + |c|) and θ moves by at most
 * √tolerance × (1 + ‖θ‖∞) (β, a function of θ, then stops moving too). Unbounded: a covariance matrix
 * (Σ, or V_i when Ω need only keep V_i positive definite) whose smallest eigenvalue falls below
 * {@value #DEGENERATE} of its largest while the criterion still falls by more than {@value #MEANINGFUL_DROP}.
 */
final class AlternatingRun {

    private static final Logger LOG = LoggerFactory.getLogger(AlternatingEstimator.class);

    /** Relative eigenvalue at which Σ or V_i counts as degenerate. */
    static final double DEGENERATE = 1e-10;
    /**
     * A fall of the criterion (deviance units) that counts as "the deviance keeps falling": far above what a fit
     * converging to a bounded boundary point (a variance tending to zero while V_i stays positive definite) gains.
     */
    static final double MEANINGFUL_DROP = 1e-4;

    /** At most this many Fisher-scoring steps finish a run whose alternation has slowed down. */
    static final int MAX_POLISH = 50;
    /** Inner scoring steps per θ-step. */
    static final int MAX_INNER = 50;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final FitOptions options;
    private final FixedBetaObjective objective;
    private final List<IterationRecord> trace = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final boolean closedFormAllowed;

    AlternatingRun(ProfiledDeviance deviance, FitOptions options) {
        this(deviance, options, true);
    }

    /** {@code closedFormAllowed = false} forces the scoring θ-step everywhere (tests compare the two). */
    AlternatingRun(ProfiledDeviance deviance, FitOptions options, boolean closedFormAllowed) {
        this.closedFormAllowed = closedFormAllowed;
        this.deviance = deviance;
        this.model = deviance.model();
        this.options = options;
        this.objective = new FixedBetaObjective(deviance);
    }

    OptimisationSummary run(String name) {
        long t0 = System.nanoTime();
        String settings = String.format(Locale.ROOT, "maxIterations=%d, tolerance=%g, constrainPsd=%b, maxInner=%d",
                options.maxIterations(), options.tolerance(), options.constrainPsd(), MAX_INNER);
        double[] start;
        try {
            start = StartValues.moments(model);
        } catch (RuntimeException e) {
            return summary(name, FitStatus.FAILED, "no start values: " + e.getMessage(), new double[model.thetaLength()],
                    new double[model.thetaLength()], 0, t0, settings);
        }
        double[] theta = start.clone();
        try {
            return iterate(name, start, theta, t0, settings);
        } catch (RuntimeException e) {
            LOG.debug("alternating estimator failed", e);
            return summary(name, FitStatus.FAILED, "numerical failure: " + e, start, theta, trace.size(), t0, settings);
        }
    }

    private OptimisationSummary iterate(String name, double[] start, double[] theta, long t0, String settings) {
        Profile pr = deviance.isAdmissible(theta, options.constrainPsd()) ? objective.profile(theta) : null;
        if (pr == null || !pr.admissible()) {
            return summary(name, FitStatus.FAILED, "the moment start values give a covariance matrix that is not "
                    + "positive definite", start, theta, 0, t0, settings);
        }
        double c = deviance.criterion(pr);
        LOG.debug("alternating: start criterion {}", c);
        boolean closedForm = closedFormAllowed && ScatterStep.applies(model);
        ScatterStep scatter = new ScatterStep(objective);
        ScoringStep scoring = new ScoringStep(objective, options.constrainPsd(), options.tolerance(), MAX_INNER);
        double tol = options.tolerance();
        double previousDrop = Double.NaN;
        for (int iter = 1; iter <= options.maxIterations(); iter++) {
            double[] beta = pr.beta();
            ThetaUpdate u = closedForm ? scatter.step(beta, theta, c) : null;
            if (u == null) {
                u = scoring.minimise(beta, theta);
            }
            if (u.unbounded() != null) {
                record(iter, Double.NEGATIVE_INFINITY, u, theta);
                return summary(name, FitStatus.UNBOUNDED, u.unbounded(), start, u.theta(), iter, t0, settings);
            }
            Profile next = objective.profile(u.theta());
            double cNext = deviance.criterion(next);
            if (!(cNext <= c)) {
                // cannot happen in exact arithmetic (c(θ_{k+1}) ≤ F(β_k, θ_{k+1}) ≤ c(θ_k)): keep the better point
                if (cNext - c > 1e-9 * (1 + Math.abs(c))) {
                    LOG.debug("alternating: criterion rose from {} to {} at iteration {}; keeping the previous point",
                            c, cNext, iter);
                }
                record(iter, c, u, theta);
                return finish(name, start, theta, c, iter, t0, settings);
            }
            double drop = c - cNext;
            double move = maxAbsDifference(u.theta(), theta);
            record(iter, cNext, u, theta);
            theta = u.theta();
            pr = next;
            c = cNext;
            String degenerate = degeneracy(theta);
            if (degenerate != null && drop > MEANINGFUL_DROP) {
                return summary(name, FitStatus.UNBOUNDED, degenerate + " while the deviance keeps falling: the "
                        + "likelihood is unbounded below", start, theta, iter, t0, settings);
            }
            // alternation converges linearly: with rate r = drop_k / drop_{k−1}, the criterion still has about
            // drop·r/(1 − r) to fall (Aitken), which is what must be below the tolerance, not the last drop
            double rate = previousDrop > 0 ? Math.min(drop / previousDrop, 0.9999) : 0;
            double remaining = drop + drop * rate / (1 - rate);
            previousDrop = drop;
            if (remaining <= tol * (1 + Math.abs(c)) && move <= Math.sqrt(tol) * (1 + maxAbs(theta))) {
                LOG.debug("alternating: stopped moving after {} iterations, criterion {}", iter, c);
                return finish(name, start, theta, c, iter, t0, settings);
            }
        }
        return summary(name, FitStatus.NOT_CONVERGED, "iteration limit " + options.maxIterations()
                + " reached; the result is the best point found", start, theta, options.maxIterations(), t0, settings);
    }

    /**
     * The end of a run whose steps no longer lower the criterion: CONVERGED only where θ is stationary —
     * every gradient component, scaled by its parameter's size (|θ_k| plus a millionth of the largest), below
     * 1e-3 (1 + |criterion|); a variance at zero has a negligible scale, so a boundary minimum passes — and
     * NOT_CONVERGED, with the gradient named, where alternation has merely stalled.
     */
    private OptimisationSummary finish(String name, double[] start, double[] theta, double c, int iter, long t0,
                                       String settings) {
        // alternation converges linearly and can crawl along a ridge: finish with Fisher scoring on the profiled
        // criterion itself (labelled in the trace and the warnings), which only ever lowers it
        int polished = 0;
        for (; polished < MAX_POLISH; polished++) {
            double[] next = scoringStep(theta, c);
            if (next == null) {
                break;
            }
            double cNext = deviance.criterion(next);
            IterationRecord rec = new IterationRecord(iter + polished + 1, cNext, Double.NaN,
                    maxAbsDifference(next, theta), objective.evaluations());
            trace.add(rec);
            options.progress().accept(rec);
            boolean small = c - cNext <= options.tolerance() * (1 + Math.abs(c));
            theta = next;
            c = cNext;
            if (small) {
                polished++;
                break;
            }
        }
        if (polished > 0) {
            warnings.add(polished + " Fisher-scoring step" + (polished == 1 ? "" : "s") + " on the profiled criterion "
                    + "finished the run after alternation slowed down (the last " + polished + " of the trace)");
        }
        org.lmm4j.likelihood.Gradient g = deviance.gradient(theta);
        if (g == null) {
            return summary(name, FitStatus.FAILED, "the final covariance parameters are not admissible", start,
                    theta, iter + polished, t0, settings);
        }
        double floor = 1e-6 * Math.max(maxAbs(theta), 1e-300);
        double worst = 0;
        for (int k = 0; k < theta.length; k++) {
            worst = Math.max(worst, Math.abs(g.theta()[k]) * (Math.abs(theta[k]) + floor));
        }
        if (worst <= 1e-3 * (1 + Math.abs(c))) {
            return summary(name, FitStatus.CONVERGED, "", start, theta, iter + polished, t0, settings);
        }
        return summary(name, FitStatus.NOT_CONVERGED, String.format(Locale.ROOT, "stalled: the alternating steps no "
                + "longer lower the deviance but θ is not stationary (largest scaled gradient component %.3g)", worst),
                start, theta, iter + polished, t0, settings);
    }

    /**
     * One Fisher-scoring step on the profiled criterion, θ − (I + λD)⁻¹g with the expected information I of
     * {@link org.lmm4j.likelihood.ExpectedInformation}, halved until it stays admissible and lowers the criterion; null when no
     * step does (a stationary or boundary point).
     */
    private double[] scoringStep(double[] theta, double c) {
        org.lmm4j.likelihood.Gradient g = deviance.gradient(theta);
        if (g == null) {
            return null;
        }
        int k = theta.length;
        boolean reml = model.method() == org.lmm4j.api.Method.REML;
        double[] info = org.lmm4j.likelihood.ExpectedInformation.compute(deviance, theta, reml ? g.profile().covBeta() : null);
        if (info == null) {
            return null;
        }
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = info[i * k + j];
            }
            a[i][i] += 1e-10 * Math.max(Math.abs(info[i * k + i]), 1e-300);
        }
        List<double[]> directions = new ArrayList<>();
        double[][] inv = Matrices.inverseSpd(a);
        if (inv != null) {
            double[] d = new double[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    d[i] -= inv[i][j] * g.theta()[j];
                }
            }
            directions.add(d);
        }
        // near a boundary the scoring step leaves the admissible region: fall back on scaled coordinate steps,
        // which can slide along it
        for (int i = 0; i < k; i++) {
            double[] d = new double[k];
            d[i] = -g.theta()[i] / Math.max(a[i][i], 1e-300);
            directions.add(d);
        }
        for (double[] d : directions) {
            double alpha = 1;
            for (int halving = 0; halving < 30; halving++, alpha /= 2) {
                double[] trial = theta.clone();
                for (int i = 0; i < k; i++) {
                    trial[i] += alpha * d[i];
                }
                if (deviance.isAdmissible(trial, options.constrainPsd()) && deviance.criterion(trial) < c) {
                    return trial;
                }
            }
        }
        return null;
    }

    private void record(int iter, double criterion, ThetaUpdate u, double[] previous) {
        IterationRecord r = new IterationRecord(iter, criterion, u.gradientNorm(),
                maxAbsDifference(u.theta(), previous), objective.evaluations());
        trace.add(r);
        options.progress().accept(r);
        if (LOG.isDebugEnabled()) {
            LOG.debug("alternating: iteration {} criterion {} inner steps {} |grad| {} step {}", iter, criterion,
                    u.innerSteps(), u.gradientNorm(), r.stepLength());
        }
    }

    /** A sentence naming the degenerating matrix, or null. */
    private String degeneracy(double[] theta) {
        CovarianceMatrices cm = deviance.covariances(theta);
        double ratio = relativeSmallestEigenvalue(cm.sigma());
        if (ratio < DEGENERATE) {
            return String.format(Locale.ROOT, "Σ degenerates (smallest eigenvalue %.3g of the largest)", ratio);
        }
        if (!options.constrainPsd() && model.data().q() > 0) {
            for (Group g : model.data().groups()) {
                GroupBlock b = deviance.block(g, cm);
                double r = b.isPositiveDefinite() ? relativeSmallestEigenvalue(Matrices.square(b.v(), b.size())) : 0;
                if (r < DEGENERATE) {
                    return String.format(Locale.ROOT, "V_i of group %s degenerates (smallest eigenvalue %.3g of the "
                            + "largest) as Ω turns indefinite", g.id(), r);
                }
            }
        }
        return null;
    }

    private static double relativeSmallestEigenvalue(double[][] a) {
        if (a.length == 0) {
            return 1;
        }
        double[] ev = Matrices.eigenvalues(a);
        double top = ev[ev.length - 1];
        return top > 0 ? ev[0] / top : 0;
    }

    private OptimisationSummary summary(String name, FitStatus status, String reason, double[] start, double[] theta,
                                        int iterations, long t0, String settings) {
        if (status != FitStatus.CONVERGED) {
            LOG.debug("alternating: {} after {} iterations: {}", status, iterations, reason);
        }
        return new OptimisationSummary(name, status, reason, start.clone(), theta.clone(), iterations,
                objective.evaluations(), System.nanoTime() - t0, trace, warnings, settings);
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
