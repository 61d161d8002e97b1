package org.lmm4j.em;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.Finish;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.linalg.SymmetricEigen;
import org.lmm4j.optimise.Boundary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One EM fit from one start: the iteration (plain or SQUAREM cycles), EM's boundary step for Ω, its stopping rules
 * and the unboundedness verdict of the shared {@link Boundary} (see {@link EmEstimator}). Every iteration is an EM
 * (or SQUAREM) iteration; the Newton steps that may finish the fit are the host's, counted apart. Holds the mutable
 * state of a single run.
 */
final class EmRun {

    private static final Logger LOG = LoggerFactory.getLogger(EmRun.class);

    /** Ω's eigenvalues are checked for a boundary step every this many iterations. */
    static final int PROBE_EVERY = 10;
    /** Σ counts as nearly degenerate (for the decade test's limit) below this eigenvalue ratio. */
    static final double NEARLY_DEGENERATE = 1e-6;
    /**
     * Ω's boundary is only tried while EM creeps: the last relative change of the criterion is below this.
     * Earlier, a shrinking eigenvalue may be a transient of the path, not the approach to a boundary minimum.
     */
    static final double CREEPING = 1e-5;
    /** Upper bound on the observed linear rate of convergence used to extrapolate the remaining fall. */
    static final double MAX_RATE = 1 - 1e-6;
    /** The window of iterations over which {@link #stalled()} judges EM's progress. */
    static final int STALL_WINDOW = 20;
    /** EM has slowed down when it lowers the criterion by less than this per iteration (relative) ... */
    static final double STALL_CHANGE = 1e-6;
    /** ... and the fall over one window is more than this fraction of the fall over the window before. */
    static final double STALL_RATIO = 0.5;
    /** Relative rise of the criterion tolerated as rounding. */
    static final double RISE_SLACK = 1e-10;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final FitOptions options;
    private final Boundary boundary;
    private double[] theta0;
    private final EmMap map;
    private final int q;
    private final int t;
    private final List<IterationRecord> trace = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Deque<double[]> omegaHistory = new ArrayDeque<>();
    private double omegaScale0;
    private int boundarySteps;
    private int iteration;

    EmRun(ProfiledDeviance deviance, FitOptions options, double[] theta0) {
        this.deviance = deviance;
        this.model = deviance.model();
        this.options = options;
        this.boundary = new Boundary(deviance, options.control());
        this.theta0 = theta0;
        this.map = new EmMap(deviance);
        this.q = model.data().q();
        this.t = model.data().occasions();
    }

    EstimatorRun execute() {
        EmMap.Point cur = map.at(theta0);
        if (cur == null) {
            return finish(FitStatus.FAILED, "the start values give a covariance that is not positive definite", theta0);
        }
        CovarianceMatrices c0 = deviance.covariances(theta0);
        omegaScale0 = q > 0 ? Math.max(SymmetricEigen.of(c0.omega()).largest(), Double.MIN_NORMAL) : 0;
        double tol = options.tolerance();
        double parameterTol = Math.max(0.1 * Math.sqrt(tol), 1e-12);
        double lastChange = 0;
        int streak = 0;
        while (iteration < options.maxIterations()) {
            if (cur.sigmaUnbounded()) {
                // the M-step's Σ for the expected residual scatter is singular
                if (fallsWithoutBound(mStepTarget(cur), cur.theta())) {
                    return finish(FitStatus.UNBOUNDED, Boundary.reason("the M-step's Σ for the expected residual "
                            + "scatter Σ_i E(e_ie_i'|y) is singular, and Σ degenerates towards it"), cur.theta());
                }
                return finish(FitStatus.NOT_CONVERGED, "the M-step's Σ is numerically singular while the likelihood "
                        + "stays bounded: EM cannot proceed", cur.theta());
            }
            iteration++;
            EmMap.Point prev = cur;
            double alpha = 1;
            if (options.accelerate()) {
                Squarem.Cycle cycle = Squarem.cycle(map, cur);
                if (cycle == null) {
                    return stopAfterFailedStep(prev);
                }
                cur = cycle.point();
                alpha = -cycle.alpha();
            } else {
                EmMap.Point next = map.at(cur.image());
                if (next == null) {
                    return stopAfterFailedStep(prev);
                }
                cur = next;
            }
            if (cur.criterion() > prev.criterion() + RISE_SLACK * Math.max(1, Math.abs(prev.criterion()))) {
                LOG.debug("EM step raised the criterion from {} to {}; stopping at the previous point",
                        prev.criterion(), cur.criterion());
                return stopAfterFailedStep(prev);
            }
            double relChange = Math.abs(prev.criterion() - cur.criterion()) / Math.max(1, Math.abs(cur.criterion()));
            if (q > 0) {
                rememberOmega(cur);
                if (iteration % PROBE_EVERY == 0 && relChange < CREEPING) {
                    EmMap.Point b = boundaryStep(cur);
                    if (b != null) {
                        cur = b;
                    }
                }
            }
            record(cur.criterion(), cur.estep().gradient().norm(), alpha);
            LOG.debug("EM iteration {}: criterion {} (step {}, {} evaluations)", iteration, cur.criterion(), alpha,
                    map.evaluations());
            double change = prev.criterion() - cur.criterion();
            streak = boundary.falling(change) ? streak + 1 : 0;
            String degenerate = boundary.unbounded(cur.theta(), 1, null, cur.criterion());
            if (degenerate != null && (boundary.provesUnbounded(degenerate, streak, cur.criterion())
                    || streak > 0 && fallsWithoutBound(deviance.covariances(cur.theta()).sigma(), cur.theta()))) {
                return finish(FitStatus.UNBOUNDED, degenerate, cur.theta());
            }
            double rate = lastChange > 0 && change > 0 ? Math.min(change / lastChange, MAX_RATE) : 0;
            lastChange = change;
            // the criterion still to fall if the iteration converges linearly at the observed rate
            double remaining = Math.max(change, 0) / (1 - rate) / Math.max(1, Math.abs(cur.criterion()));
            if (remaining <= tol && (matrixChange(prev.theta(), cur.theta()) <= parameterTol
                    || scaledGradient(cur) <= 1e-3 * Math.sqrt(tol) * Math.max(1, Math.abs(cur.criterion())))) {
                EmMap.Point released = q > 0 ? release(cur) : null;
                if (released != null) {
                    cur = released;
                    lastChange = 0;
                    continue;
                }
                return finish(FitStatus.CONVERGED, "", cur.theta());
            }
            if (options.finish() == Finish.NEWTON && stalled()) {
                return finish(FitStatus.NOT_CONVERGED, "EM slowed down (less than " + STALL_CHANGE + " relative fall "
                        + "per iteration over " + STALL_WINDOW + " iterations)", cur.theta());
            }
        }
        return finish(FitStatus.NOT_CONVERGED, "iteration limit " + options.maxIterations() + " reached", cur.theta());
    }

    /**
     * EM has clearly slowed down: over the last {@link #STALL_WINDOW} iterations the criterion fell by less than
     * {@link #STALL_CHANGE} per iteration (relative to max(1, |criterion|)), and by more than
     * {@link #STALL_RATIO} of its fall over the window before. A linearly converging EM at rate r shrinks its
     * fall by r^20 per window and goes on; EM creeping sublinearly towards a boundary, or along a flat ridge at a
     * rate near 1, does not. Then the host's Newton finish (when asked for) takes over.
     */
    private boolean stalled() {
        int n = trace.size();
        if (n < 2 * STALL_WINDOW + 1) {
            return false;
        }
        double now = trace.get(n - 1).criterion();
        double recent = trace.get(n - 1 - STALL_WINDOW).criterion() - now;
        double before = trace.get(n - 1 - 2 * STALL_WINDOW).criterion() - trace.get(n - 1 - STALL_WINDOW).criterion();
        return recent < STALL_CHANGE * STALL_WINDOW * Math.max(1, Math.abs(now)) && recent >= STALL_RATIO * before;
    }

    /** Appends an iteration to the trace and tells the progress listener. */
    private void record(double criterion, double gradientNorm, double step) {
        IterationRecord rec = new IterationRecord(iteration, criterion, gradientNorm, step, map.evaluations());
        trace.add(rec);
        options.progress().accept(rec);
    }

    /**
     * max_k |∂Δ/∂θ_k|·s_k with s_k = max(|θ_k|, 10⁻³ max_j |θ_j|): the change of the criterion for a relative
     * change of each parameter. Where the likelihood is flat EM's parameters may still drift by more than the
     * parameter tolerance per iteration while this first-order measure already shows a stationary point.
     */
    private static double scaledGradient(EmMap.Point p) {
        double[] theta = p.theta();
        double[] g = p.estep().gradient().theta();
        double top = org.lmm4j.linalg.Vectors.maxAbs(theta);
        double worst = 0;
        for (int k = 0; k < theta.length; k++) {
            worst = Math.max(worst, Math.abs(g[k]) * Math.max(Math.abs(theta[k]), 1e-3 * top));
        }
        return worst;
    }

    /**
     * The EM step from prev could not be taken (inadmissible, or it rose through rounding): UNBOUNDED when Σ is
     * degenerating while the criterion was still falling and the decade test confirms it; otherwise the run stops at
     * prev (the host's finish, when asked for, goes on from there).
     */
    private EstimatorRun stopAfterFailedStep(EmMap.Point prev) {
        iteration--;
        int n = trace.size();
        boolean wasFalling = n >= 2 && boundary.falling(trace.get(n - 2).criterion() - trace.get(n - 1).criterion());
        double[][] sigma = deviance.covariances(prev.theta()).sigma();
        SymmetricEigen se = SymmetricEigen.of(sigma);
        boolean nearlyDegenerate = se.smallest() <= NEARLY_DEGENERATE * Math.abs(se.largest());
        if (nearlyDegenerate && wasFalling && fallsWithoutBound(sigma, prev.theta())) {
            return finish(FitStatus.UNBOUNDED, Boundary.reason("the residual covariance Σ degenerates"), prev.theta());
        }
        return finish(FitStatus.NOT_CONVERGED, "the EM update left the admissible region or raised the criterion "
                + "(numerical trouble)", prev.theta());
    }

    /** The M-step's Σ for the expected residual scatter at p (the singular matrix EM heads for), or null. */
    private double[][] mStepTarget(EmMap.Point p) {
        ExpectedScatter e = p.estep();
        if (e.sigmaObservedOnly()) {
            return null;
        }
        return model.residual().matrix(model.residual().maximise(e.sigma(), e.sigmaCount()), t);
    }

    /**
     * The shared decade test ({@link Boundary#fallsWithoutBound}) along the path Σ = S₀ + ε·λ_max·I towards S₀, the
     * target with its eigenvalues below {@link #NEARLY_DEGENERATE} of the largest set to zero, Ω held at θ's. False
     * when the target is regular or Σ's structure cannot represent the points of the path.
     */
    private boolean fallsWithoutBound(double[][] target, double[] theta) {
        if (target == null) {
            return false;
        }
        double top = SymmetricEigen.of(target).largest();
        if (!(top > 0) || !Double.isFinite(top)) {
            return false;
        }
        Boundary.Projection limit = Boundary.projectPsd(target, NEARLY_DEGENERATE, top);
        if (!limit.changed() && SymmetricEigen.of(target).smallest() > NEARLY_DEGENERATE * top) {
            return false;
        }
        CovarianceStructure structure = model.residual();
        double[] omegaTheta = deviance.omegaTheta(theta);
        return boundary.fallsWithoutBound(eps -> {
            double[][] m = Matrices.copy(limit.matrix());
            for (int i = 0; i < m.length; i++) {
                m[i][i] += eps * top;
            }
            double[] sigmaTheta = structure.parameters(m);
            double[][] back = structure.matrix(sigmaTheta, t);
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < t; k++) {
                    if (Math.abs(back[i][k] - m[i][k]) > 1e-3 * eps * top) {
                        return Double.NaN;
                    }
                }
            }
            return map.criterion(deviance.join(sigmaTheta, omegaTheta));
        });
    }

    private EstimatorRun finish(FitStatus status, String reason, double[] theta) {
        if (boundarySteps > 0 && q > 0 && status == FitStatus.CONVERGED
                && SymmetricEigen.of(deviance.covariances(theta).omega()).smallest()
                <= options.control().boundaryTol() * omegaScale0) {
            warnings.add("EM stepped to the boundary: Ω's shrinking eigen-directions were set to zero, where the "
                    + "deviance is lower (plain EM only creeps towards a boundary)");
        }
        if (q > 0 && !options.constrainPsd()) {
            warnings.add("EM keeps Ω positive semi-definite (its M-step is a scatter matrix); indefinite Ω was not explored");
        }
        LOG.debug("EM finished: {} after {} iterations, {} evaluations{}", status, iteration, map.evaluations(),
                reason.isEmpty() ? "" : " (" + reason + ")");
        return new EstimatorRun(status, reason, theta, iteration, map.evaluations(), trace, warnings);
    }

    /** The largest change of an element of Σ or Ω, relative to the geometric mean of its two variances. */
    private double matrixChange(double[] a, double[] b) {
        CovarianceMatrices ca = deviance.covariances(a);
        CovarianceMatrices cb = deviance.covariances(b);
        return Math.max(relativeChange(ca.sigma(), cb.sigma()), relativeChange(ca.omega(), cb.omega()));
    }

    private static double relativeChange(double[][] a, double[][] b) {
        int d = a.length;
        double maxDiag = 0;
        for (int i = 0; i < d; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(b[i][i]));
        }
        double floor = Math.max(1e-12 * maxDiag, Double.MIN_NORMAL);
        double worst = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double scale = Math.max(Math.sqrt(Math.abs(b[i][i] * b[j][j])), floor);
                worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]) / scale);
            }
        }
        return worst;
    }

    private void rememberOmega(EmMap.Point p) {
        omegaHistory.addLast(SymmetricEigen.of(deviance.covariances(p.theta()).omega()).values());
        while (omegaHistory.size() > PROBE_EVERY + 1) {
            omegaHistory.removeFirst();
        }
    }

    /**
     * EM's boundary step: when Ω's k smallest eigenvalues have all shrunk over the last {@link #PROBE_EVERY}
     * iterations, the points with the 1..k smallest set to zero (the PSD projection of {@link Boundary}) are tried;
     * the best is taken when its criterion is below the current one and the KKT sign holds there.
     */
    private EmMap.Point boundaryStep(EmMap.Point cur) {
        if (omegaHistory.size() <= PROBE_EVERY) {
            return null;
        }
        double[] then = omegaHistory.peekFirst();
        double[] now = omegaHistory.peekLast();
        double nullLevel = options.control().boundaryTol() * omegaScale0;
        int shrinking = 0;
        while (shrinking < q && now[shrinking] < then[shrinking] && now[shrinking] > nullLevel) {
            shrinking++;
        }
        if (shrinking == 0) {
            return null;
        }
        double[][] omega = deviance.covariances(cur.theta()).omega();
        double[] sigmaTheta = deviance.sigmaTheta(cur.theta());
        double best = cur.criterion() - RISE_SLACK * Math.max(1, Math.abs(cur.criterion()));
        double[] bestTheta = null;
        for (int z = 1; z <= shrinking; z++) {
            // eigenvalues up to the z-th smallest (inclusive) are set to zero
            double[] theta = representable(Boundary.projectPsd(omega, 1, now[z - 1]).matrix(), sigmaTheta);
            if (theta == null) {
                continue;
            }
            double c = map.criterion(theta);
            if (c < best) {
                best = c;
                bestTheta = theta;
            }
        }
        if (bestTheta == null) {
            return null;
        }
        EmMap.Point p = map.at(bestTheta);
        if (p == null || interiorDescent(p) != null) {
            return null;
        }
        boundarySteps++;
        omegaHistory.clear();
        LOG.debug("EM boundary step: criterion {} -> {}", cur.criterion(), p.criterion());
        return p;
    }

    /**
     * At a converged point with Ω singular: if the criterion falls when Ω grows along a null direction (the
     * Karush–Kuhn–Tucker sign fails, {@link Boundary#interiorDescent}), a point inside the cone with a lower
     * criterion; otherwise null (the boundary point is a constrained minimum).
     */
    private EmMap.Point release(EmMap.Point cur) {
        double[][] v = interiorDescent(cur);
        if (v == null) {
            return null;
        }
        double slack = 1e-9 * Math.max(1, Math.abs(cur.criterion()));
        double[] theta = boundary.releaseAlong(cur.theta(), false, v, omegaScale0 * 100,
                x -> deviance.isAdmissible(x, true) ? map.criterion(x) : Double.POSITIVE_INFINITY,
                cur.criterion() - slack);
        if (theta == null) {
            return null;
        }
        LOG.debug("EM leaves the boundary along a null direction of Ω");
        omegaHistory.clear();
        return map.at(theta);
    }

    /** The KKT check of {@link Boundary} on Ω (term by term) at p, with EM's gradient: the direction back inside, or null. */
    private double[][] interiorDescent(EmMap.Point p) {
        double[][] omega = deviance.covariances(p.theta()).omega();
        double scale = Math.max(SymmetricEigen.of(omega).largest(), omegaScale0);
        return boundary.omegaInteriorDescent(omega, p.estep().gradient().omegaGradient(), scale,
                1e-9 * Math.max(1, Math.abs(p.criterion())) / omegaScale0);
    }

    /** θ = (θ_Σ, θ_Ω) with Ω(θ_Ω) = the given matrix, or null when the structure cannot represent it. */
    private double[] representable(double[][] omega, double[] sigmaTheta) {
        CovarianceStructure structure = model.randomEffects();
        double[] omegaTheta = structure.parameters(omega);
        double[][] back = structure.matrix(omegaTheta, q);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                scale = Math.max(scale, Math.abs(omega[i][j]));
                diff = Math.max(diff, Math.abs(back[i][j] - omega[i][j]));
            }
        }
        if (diff > 1e-9 * Math.max(scale, omegaScale0)) {
            return null;
        }
        double[] theta = deviance.join(sigmaTheta, omegaTheta);
        return deviance.isAdmissible(theta, true) ? theta : null;
    }
}
