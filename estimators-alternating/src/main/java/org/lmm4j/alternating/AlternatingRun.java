package org.lmm4j.alternating;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Vectors;
import org.lmm4j.optimise.Boundary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the alternating estimator: the outer loop β-step (GLS) then θ-step (fixed β) until neither moves.
 * Outer iteration k: β_k = β̂(θ_k); θ_{k+1} = argmin_θ F(β_k, θ) (or a point that lowers it); the criterion
 * c(θ) = min_β F(β, θ) then satisfies c(θ_{k+1}) ≤ F(β_k, θ_{k+1}) ≤ F(β_k, θ_k) = c(θ_k).
 *
 * <p>Convergence: alternation converges linearly, so the criterion still to fall is estimated by Aitken's rule
 * (drop·r/(1 − r) at the observed rate r) and must be below the tolerance times N, and θ must have stopped moving
 * relative to its size; CONVERGED then only where θ is stationary (every gradient component, scaled by its
 * parameter's size, below 1e-4 N), else NOT_CONVERGED naming the gradient. Every test is on the scale of N, the
 * number of observations, never of |c|: y → a·y shifts the criterion by 2N log|a| and scales θ by a², so the fit
 * of a·y stops where the fit of y does (docs/DESIGN.md §4, equivariance). Unbounded: the shared test of
 * {@link Boundary} (a degenerating covariance matrix while the criterion keeps falling, or a closed-form step whose
 * path to a singular Σ passes the decade test).
 */
final class AlternatingRun {

    private static final Logger LOG = LoggerFactory.getLogger(AlternatingEstimator.class);

    /** Inner scoring steps per θ-step. */
    static final int MAX_INNER = 50;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final FitOptions options;
    private final FixedBetaObjective objective;
    private final Boundary boundary;
    private final List<IterationRecord> trace = new ArrayList<>();
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
        this.boundary = new Boundary(deviance, options.control());
    }

    EstimatorRun run(double[] start) {
        double[] theta = start.clone();
        Profile pr = deviance.isAdmissible(theta, options.constrainPsd()) ? objective.profile(theta) : null;
        if (pr == null || !pr.admissible()) {
            return run(FitStatus.FAILED, "the start values give a covariance matrix that is not positive definite",
                    theta, 0);
        }
        double c = deviance.criterion(pr);
        LOG.debug("alternating: start criterion {}", c);
        boolean closedForm = closedFormAllowed && ScatterStep.applies(model);
        ScatterStep scatter = new ScatterStep(objective, boundary);
        ScoringStep scoring = new ScoringStep(objective, options, MAX_INNER);
        double tol = options.tolerance();
        int n = model.data().observations();
        double previousDrop = Double.NaN;
        int streak = 0;
        for (int iter = 1; iter <= options.maxIterations(); iter++) {
            double[] beta = pr.beta();
            ThetaUpdate u = closedForm ? scatter.step(beta, theta, c) : null;
            if (u == null) {
                u = scoring.minimise(beta, theta);
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
                return stopped(theta, c, iter, streak);
            }
            double drop = c - cNext;
            double move = maxAbsDifference(u.theta(), theta);
            record(iter, cNext, u, theta);
            theta = u.theta();
            pr = next;
            c = cNext;
            if (drop > 0 || move > 0) {
                // an iteration that did not move leaves the verdict on the last fall as it was
                streak = boundary.falling(drop) ? streak + 1 : 0;
            }
            String degenerate = degeneracy(theta, c);
            if (degenerate != null && (u.fallsWithoutBound() || boundary.provesUnbounded(degenerate, streak, c))) {
                return run(FitStatus.UNBOUNDED, degenerate, theta, iter);
            }
            double rate = previousDrop > 0 ? Math.min(drop / previousDrop, 0.9999) : 0;
            double remaining = drop + drop * rate / (1 - rate);
            previousDrop = drop;
            if (remaining <= tol * n && move <= Math.sqrt(tol) * Vectors.maxAbs(theta)) {
                LOG.debug("alternating: stopped moving after {} iterations, criterion {}", iter, c);
                return stopped(theta, c, iter, streak);
            }
        }
        return run(FitStatus.NOT_CONVERGED, "iteration limit " + options.maxIterations()
                + " reached; the result is the best point found", theta, options.maxIterations());
    }

    /**
     * The end of a run whose steps no longer lower the criterion: CONVERGED only where θ is stationary — every
     * gradient component, scaled by its parameter's size (|θ_k| plus a millionth of the largest), below 1e-4 N
     * (θ_k ∂c/∂θ_k = ∂c/∂log θ_k is in deviance units whatever the units of y, and with the curvature in log θ_k of
     * order N the fall still to come is then of order 1e-8 N); a variance at zero has a negligible scale, so a
     * boundary minimum passes — and NOT_CONVERGED, with the gradient named, where alternation has merely stalled;
     * UNBOUNDED where it stalls at a degenerate covariance matrix reached while the criterion was still falling
     * ({@link Boundary#provesUnboundedAtStall}).
     */
    private EstimatorRun stopped(double[] theta, double c, int iter, int streak) {
        String degenerate = degeneracy(theta, c);
        if (boundary.provesUnboundedAtStall(degenerate, streak)) {
            return run(FitStatus.UNBOUNDED, degenerate, theta, iter);
        }
        Gradient g = deviance.gradient(theta);
        if (g == null) {
            return run(FitStatus.FAILED, "the final covariance parameters are not admissible", theta, iter);
        }
        double floor = 1e-6 * Math.max(Vectors.maxAbs(theta), 1e-300);
        double worst = 0;
        for (int k = 0; k < theta.length; k++) {
            worst = Math.max(worst, Math.abs(g.theta()[k]) * (Math.abs(theta[k]) + floor));
        }
        if (worst <= 1e-4 * model.data().observations()) {
            return run(FitStatus.CONVERGED, "", theta, iter);
        }
        return run(FitStatus.NOT_CONVERGED, String.format(Locale.ROOT, "stalled: the alternating steps no "
                + "longer lower the deviance but θ is not stationary (largest scaled gradient component %.3g)", worst),
                theta, iter);
    }

    /** The shared unboundedness test at θ, with the V_i's conditioning where Ω need only keep them positive definite. */
    private String degeneracy(double[] theta, double c) {
        boolean vMatters = !options.constrainPsd() && model.data().q() > 0;
        Boundary.Conditioning cond = vMatters ? boundary.conditioning(theta) : new Boundary.Conditioning(1, null);
        return boundary.unbounded(theta, cond.worst(), cond.group(), c);
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

    private EstimatorRun run(FitStatus status, String reason, double[] theta, int iterations) {
        if (status != FitStatus.CONVERGED) {
            LOG.debug("alternating: {} after {} iterations: {}", status, iterations, reason);
        }
        return new EstimatorRun(status, reason, theta, iterations, objective.evaluations(), trace, List.of());
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
