package org.lmm4j.optimise;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Control;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.CriterionHessian;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Vectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Newton–Raphson on the likelihood profiled over β (the paper, after Lindstrom &amp; Bates, JASA 1988): minimises the
 * criterion of {@link ProfiledDeviance} (Δ_p for ML, Δ_R for REML) over θ with its analytic gradient and Hessian,
 * by the shared {@link SecondOrderStep}, with the boundaries and the unboundedness test of {@link Boundary}. One run
 * from one start; the Newton estimator is this loop, and the host's finishing step ({@link org.lmm4j.api.Finish})
 * runs it from another estimator's final point.
 *
 * <p>Coordinates: when Ω must be positive semi-definite the run works in the coordinates of {@link Coordinates}
 * (Ω = ΛΛ', the lme4 parametrisation, or squared variances), where every step keeps Ω positive semi-definite and a
 * variance can reach zero; Σ's variances are squared coordinates too when Σ is a sum of diagonal variances beside
 * random effects. For other Σ structures, once Σ is singular to within {@link Control#sigmaDegenerate()} and the
 * criterion is not falling, the edge λ_min(Σ) = 0 is an active face: the step is restricted to its tangent.
 *
 * <p>Boundaries: squared and Cholesky coordinates make a zero variance stationary whatever its gradient, so before
 * convergence is accepted the Karush–Kuhn–Tucker sign is checked ({@link Boundary#interiorDescent}) and the run steps
 * back inside where it fails. In the final phase, where Ω has an eigenvalue below {@link Control#faceProbe()} of its
 * scale and setting it to zero lowers the criterion with the gradient pointing out of the cone, the iterate jumps
 * onto that face (without strict complementarity Newton would approach it only linearly). At the end, negligible
 * eigenvalues of Ω ({@link Control#boundaryTol()}) are set to zero when that does not raise the criterion.
 *
 * <p>Unbounded: when the criterion keeps falling while Σ or some V_i degenerates, the run stops with status UNBOUNDED
 * and the one-line reason of {@link Boundary#unbounded}.
 *
 * <p>Convergence: the change of the criterion and the Newton decrement g'M⁻¹g/2 are both below the tolerance relative
 * to max(1, |criterion|) (and above the rounding level of a sum over N observations).
 */
public final class ProfiledNewton {

    private static final Logger LOG = LoggerFactory.getLogger(ProfiledNewton.class);

    private final ProfiledDeviance deviance;
    private final FitOptions options;
    private final Control control;
    private final MixedModel model;
    private final Boundary boundary;
    private final SecondOrderStep stepper;
    private final int observations;
    private final List<IterationRecord> trace = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private Coordinates coords;
    private long evaluations;
    /** The last gradient computed in a line search, at {@link #cachedTheta}, reused when that point is accepted. */
    private Gradient cached;
    private double[] cachedTheta;
    /** The projected θ of the last trial of a line search, or null when it was not projected. */
    private double[] projectedTrial;

    /** A run with the given options (one use: the state of the iteration). */
    public ProfiledNewton(ProfiledDeviance deviance, FitOptions options) {
        this.deviance = deviance;
        this.options = options;
        this.control = options.control();
        this.model = deviance.model();
        this.boundary = new Boundary(deviance, control);
        this.stepper = new SecondOrderStep(control);
        this.observations = model.data().observations();
    }

    /** An iterate: coordinates, θ, criterion, gradient and Hessian in φ, and the worst conditioning of the V_i. */
    private record Point(double[] phi, double[] theta, double f, double[] gPhi, double[][] hPhi, double worstConditioning,
                         String worstGroup) {
    }

    /** Runs Newton's method from θ_start and reports how it went. */
    public EstimatorRun minimise(double[] thetaStart) {
        coords = Coordinates.of(model, thetaStart, options.constrainPsd());
        double[] phi = coords.phi(thetaStart);
        double[] theta = coords.theta(phi);
        Gradient gr = gradient(theta);
        if (gr == null || !Double.isFinite(gr.criterion())) {
            return run(FitStatus.FAILED, "the start values are not admissible (some V_i is not positive definite)",
                    thetaStart, 0);
        }
        Point point = point(phi, theta, gr);
        double lastChange = Double.POSITIVE_INFINITY;
        int streak = 0;
        int stalled = 0;
        int iteration = 0;
        int releases = 0;
        FitStatus status = FitStatus.NOT_CONVERGED;
        String reason = "the iteration limit (" + options.maxIterations() + ") was reached";
        while (true) {
            double[] edge = streak == 0 ? edgeInPhi(point) : null;
            SecondOrderStep.Direction dir = stepper.direction(point.gPhi, point.hPhi, edge);
            double tolF = tolerance(point.f);
            if (lastChange <= tolF && dir.decrement() / 2 <= tolF) {
                Point released = releases < control.maxReleases() ? releaseFromBoundary(point) : null;
                if (released != null) {
                    releases++;
                    lastChange = Double.POSITIVE_INFINITY;
                    point = released;
                    continue;
                }
                status = FitStatus.CONVERGED;
                reason = "";
                boundaryWarning(point, dir.projected());
                break;
            }
            if (iteration >= options.maxIterations()) {
                break;
            }
            iteration++;
            final Point from = point;
            SmoothObjective f = (x, full) -> value(x, full);
            SecondOrderStep.Step step = stepper.search(f, from.phi, from.f, dir, noise(from.f));
            if (step == null && !dir.steepest()) {
                step = stepper.search(f, from.phi, from.f, stepper.steepest(from.gPhi, from.hPhi), noise(from.f));
            }
            if (step == null) {
                String degenerate = streak > 0 ? boundary.unbounded(point.theta, point.worstConditioning,
                        point.worstGroup, point.f) : null;
                if (boundary.provesUnboundedAtStall(degenerate, streak)) {
                    status = FitStatus.UNBOUNDED;
                    reason = degenerate;
                } else if (dir.decrement() / 2 <= Math.max(tolF, 1e3 * noise(point.f))) {
                    status = FitStatus.CONVERGED;
                    reason = "";
                    boundaryWarning(point, dir.projected());
                } else {
                    reason = "no step from the current point lowers the criterion (Newton decrement "
                            + dir.decrement() + ")";
                }
                iteration--;
                break;
            }
            double[] stepPhi = accepted(step.x());
            double[] stepTheta = coords.theta(stepPhi);
            point = point(stepPhi, stepTheta, gradientAt(stepTheta));
            double fall = from.f - point.f;
            lastChange = Math.abs(fall);
            streak = boundary.falling(fall) ? streak + 1 : 0;
            stalled = step.alpha() < 1 && lastChange <= tolerance(point.f) ? stalled + 1 : 0;
            IterationRecord rec = new IterationRecord(iteration, point.f, Vectors.norm(point.gPhi), step.length(),
                    evaluations);
            trace.add(rec);
            options.progress().accept(rec);
            if (LOG.isDebugEnabled()) {
                LOG.debug("newton iteration {}: criterion {} gradient norm {} step {} (alpha {}) evaluations {}",
                        iteration, point.f, rec.gradientNorm(), step.length(), step.alpha(), evaluations);
            }
            String degenerate = boundary.unbounded(point.theta, point.worstConditioning, point.worstGroup, point.f);
            if (boundary.provesUnbounded(degenerate, streak, point.f)) {
                status = FitStatus.UNBOUNDED;
                reason = degenerate;
                break;
            }
            if (stalled >= control.stallLimit()) {
                reason = "stalled: the steps are cut to almost nothing while the Newton decrement stays at "
                        + dir.decrement() + " (the infimum may lie on the edge of the admissible "
                        + "region, Σ singular, or the model may not be identified)";
                break;
            }
            Point face = lastChange <= control.facePhase() * Math.max(1, Math.abs(point.f)) ? faceOfOmega(point) : null;
            if (face != null) {
                lastChange += point.f - face.f;
                point = face;
            }
        }
        double[] thetaEnd = status == FitStatus.CONVERGED ? snapToBoundary(point) : point.theta;
        return run(status, reason, thetaEnd, iteration);
    }

    /** The coordinates in which the last run worked, for the provenance. */
    public String coordinates() {
        return coords == null ? "theta" : coords.describe();
    }

    private EstimatorRun run(FitStatus status, String reason, double[] theta, int iterations) {
        return new EstimatorRun(status, reason, theta, iterations, evaluations, trace, warnings);
    }

    private void boundaryWarning(Point point, boolean projected) {
        if (projected) {
            warnings.add("the minimum lies on the boundary of the admissible region: "
                    + boundary.sigmaSingular(point.theta) + " (Σ is held just inside positive definiteness, where "
                    + "the Newton step restricted to the boundary has converged; every V_i stays positive definite)");
        } else if (coords.sigmaSquared()) {
            String zero = boundary.zeroVariances(point.theta);
            if (zero != null) {
                warnings.add("the minimum lies on the boundary of the admissible region: " + zero
                        + " (held at a negligible positive value, where Newton's method in squared coordinates has "
                        + "converged; every V_i stays positive definite)");
            }
        }
    }

    /**
     * The normal in φ of the active edge of the admissible region, or null: Σ's edge λ_min(Σ) = 0 (when Σ's part of θ
     * is used as it is), else, where Ω is kept positive semi-definite by projection (its structure has no
     * coordinates that keep it so), Ω's edge λ_min(Ω) = 0 ({@link Boundary#omegaEdgeNormal}).
     */
    private double[] edgeInPhi(Point point) {
        double[] sigmaEdge = coords.sigmaSquared() ? null : boundary.sigmaEdgeNormal(point.theta);
        if (sigmaEdge != null || !projectsOmega()) {
            return sigmaEdge;
        }
        return boundary.omegaEdgeNormal(point.theta);
    }

    /** True when Ω must stay positive semi-definite but the coordinates do not keep it so: trial points are projected. */
    private boolean projectsOmega() {
        return options.constrainPsd() && model.data().q() > 0 && !coords.omegaAlwaysPsd();
    }

    /** Criterion change below which the run has converged: the tolerance relative to the criterion, above rounding. */
    private double tolerance(double f) {
        return Math.max(options.tolerance() * Math.max(1, Math.abs(f)), noise(f));
    }

    /** Rounding level of the criterion, a sum over N observations. */
    private double noise(double f) {
        return 1e-14 * (Math.abs(f) + observations);
    }

    private Gradient gradient(double[] theta) {
        evaluations++;
        return deviance.gradient(theta);
    }

    /** The gradient at θ, from the line search's cache when it was computed there. */
    private Gradient gradientAt(double[] theta) {
        if (cached != null && java.util.Arrays.equals(theta, cachedTheta)) {
            Gradient g = cached;
            cached = null;
            return g;
        }
        return gradient(theta);
    }

    /**
     * The line search's objective in φ: the full step is evaluated with its gradient, shorter ones by the criterion.
     * Where Ω is kept positive semi-definite by projection, a trial point whose Ω leaves the cone is evaluated at its
     * projection onto the cone ({@link Boundary#projectPsd}, a projected Newton step), remembered for
     * {@link #accepted}.
     */
    private double value(double[] phi, boolean fullStep) {
        double[] theta = coords.theta(phi);
        projectedTrial = null;
        if (projectsOmega() && !deviance.isAdmissible(theta, true)) {
            double[] part = model.randomEffects().parameters(
                    Boundary.projectPsd(deviance.covariances(theta).omega(), 0, 0).matrix());
            theta = theta.clone();
            System.arraycopy(part, 0, theta, model.sigmaParameterCount(), part.length);
            projectedTrial = theta;
        }
        if (!deviance.isAdmissible(theta, projectsOmega())) {
            return Double.POSITIVE_INFINITY;
        }
        if (fullStep) {
            Gradient gr = gradient(theta);
            cached = gr;
            cachedTheta = theta;
            return gr == null ? Double.POSITIVE_INFINITY : gr.criterion();
        }
        evaluations++;
        return deviance.criterion(theta);
    }

    /** The φ of an accepted trial: its projection when {@link #value} projected it (the last trial is the accepted one). */
    private double[] accepted(double[] phi) {
        return projectedTrial == null ? phi : coords.phi(projectedTrial);
    }

    private Point point(double[] phi, double[] theta, Gradient gr) {
        CriterionHessian h = deviance.hessian(theta, gr);
        double[] gPhi = coords.gradient(phi, gr.theta());
        double[][] hPhi = coords.hessian(phi, gr.theta(), h.hessian());
        return new Point(phi, theta, gr.criterion(), gPhi, hPhi, h.worstConditioning(), h.worstGroup());
    }

    /**
     * The KKT check at a candidate optimum: for Σ (when its variances are squared coordinates) and Ω, a null
     * direction v along which the criterion falls (v'Gv &lt; 0 for the matrix gradient G) is moved back inside,
     * S → S + δvv', with δ the largest of 1e-2, 1e-3, 1e-4 times the matrix's scale that lowers the criterion. Null
     * when every null direction is a true boundary optimum.
     */
    private Point releaseFromBoundary(Point pt) {
        Gradient gr = gradient(pt.theta);
        if (gr == null) {
            return null;
        }
        CovarianceMatrices c = deviance.covariances(pt.theta);
        double scale = 0;
        for (int a = 0; a < c.sigma().length; a++) {
            scale = Math.max(scale, c.sigma()[a][a]);
        }
        if (coords.sigmaSquared()) {
            Point p = release(pt, c.sigma(), gr.sigmaGradient(), scale, true);
            if (p != null) {
                return p;
            }
        }
        if (model.data().q() > 0 && options.constrainPsd()) {
            return release(pt, c.omega(), gr.omegaGradient(), scale, false);
        }
        return null;
    }

    private Point release(Point pt, double[][] s, double[][] g, double residualScale, boolean sigma) {
        double top = Math.max(residualScale, org.lmm4j.linalg.SymmetricEigen.of(s).largest());
        // v'Gv is the criterion's slope per unit of S, so a step δ = top falls by top·|v'Gv|: that is what must
        // pass the tolerance (deviance units), whatever the units of y (as EM's check divides by Ω's scale)
        double slack = tolerance(pt.f) / top;
        double[] v = sigma ? boundary.interiorDescent(s, g, top, slack) : null;
        double[][] direction = sigma ? (v == null ? null : Vectors.outer(v))
                : boundary.omegaInteriorDescent(s, g, top, slack);
        if (direction == null) {
            return null;
        }
        double[] theta = boundary.releaseAlong(pt.theta, sigma, direction, top, x -> {
            evaluations++;
            return deviance.criterion(coords.theta(coords.phi(x)));
        }, pt.f);
        if (theta == null) {
            return null;
        }
        double[] phi = coords.phi(theta);
        double[] back = coords.theta(phi);
        Gradient gr = gradient(back);
        if (gr == null) {
            return null;
        }
        LOG.debug("newton: {} released from the boundary, criterion {} -> {}", sigma ? "Σ" : "Ω", pt.f, gr.criterion());
        return point(phi, back, gr);
    }

    /**
     * Where Ω is close to singular (an eigenvalue below {@link Control#faceProbe()} of its scale), the point with
     * those eigenvalues set to zero, when it has a lower criterion and the gradient there points out of the cone in
     * each zeroed direction e (e'G_Ωe ≥ 0: raising that eigenvalue would raise the criterion), else null.
     */
    private Point faceOfOmega(Point pt) {
        if (!options.constrainPsd() || model.data().q() == 0 || !coords.omegaAlwaysPsd()) {
            return null;
        }
        Boundary.Clipped clipped = boundary.clipOmega(pt.theta, control.faceProbe());
        if (clipped == null) {
            return null;
        }
        double[] phi = coords.phi(clipped.theta());
        double[] theta = coords.theta(phi);
        if (!deviance.isAdmissible(theta, false)) {
            return null;
        }
        Gradient gr = gradient(theta);
        if (gr == null || !(gr.criterion() < pt.f)) {
            return null;
        }
        for (double[] e : clipped.directions()) {
            if (Vectors.quadraticForm(e, gr.omegaGradient()) < 0) {
                return null;
            }
        }
        return point(phi, theta, gr);
    }

    /**
     * At a converged point, sets eigenvalues of Ω that are negligible ({@link Control#boundaryTol()}, relative to the
     * largest or to the residual scale) to zero when that does not raise the criterion: a boundary fit then has an
     * exactly singular Ω̂.
     */
    private double[] snapToBoundary(Point pt) {
        if (!options.constrainPsd() || model.data().q() == 0) {
            return pt.theta;
        }
        Boundary.Clipped clipped = boundary.clipOmega(pt.theta, control.boundaryTol());
        double[] snapped = clipped == null ? null : clipped.theta();
        if (snapped == null || !deviance.isAdmissible(snapped, true)) {
            return pt.theta;
        }
        evaluations++;
        double f = deviance.criterion(snapped);
        return f <= pt.f + tolerance(pt.f) ? snapped : pt.theta;
    }
}
