package org.lmm4j.newton;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.CriterionHessian;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Newton–Raphson on the likelihood profiled over β (the paper, after Lindstrom &amp; Bates, JASA 1988):
 * minimises the criterion of {@link ProfiledDeviance} (Δ_p for ML, Δ_R for REML) over the covariance
 * parameters θ with its analytic gradient and the analytic Hessian of {@link org.lmm4j.likelihood.ProfiledDeviance#hessian}.
 *
 * <p>Safeguards: start from the moment estimates ({@link StartValues#moments}); a modified Hessian where
 * it is not positive definite (eigenvalues replaced by their absolute values, floored: a
 * Levenberg–Marquardt-type damping that also follows negative curvature downhill); step-halving on the
 * criterion (Armijo) and on admissibility (Σ positive definite, every V_i positive definite).
 *
 * <p>Boundaries: when Ω must be positive semi-definite ({@link FitOptions#constrainPsd()}), Newton runs in
 * the coordinates of {@link Coordinates} (Ω = ΛΛ', the lme4 parametrisation, or squared variances), where
 * every step keeps Ω positive semi-definite and a variance can reach zero; at the end, eigenvalues of Ω
 * that are negligible are set to zero exactly when that does not worsen the criterion, so a boundary fit
 * is exactly singular and is reported so by {@link FitAssembler}.
 * Near the end, when an eigenvalue of Ω is tiny and setting it to zero lowers the criterion with the
 * gradient pointing out of the cone there, the iterate jumps onto that face (without strict complementarity
 * Newton would approach it only linearly).
 *
 * <p>Unbounded likelihood: when the criterion keeps falling while Σ (or some V_i) degenerates, the fit
 * stops with status UNBOUNDED and a reason naming what degenerated (see {@link Degeneracy}).
 *
 * <p>A minimum on the boundary of Σ's admissible region (e.g. a diagonal Σ whose variance at one occasion
 * goes to zero while the random effects keep every V_i positive definite, a legitimate boundary fit: the
 * deviance depends on θ only through the V_i): when Σ is a sum of diagonal variances (scalar, diagonal), they
 * are squared coordinates of {@link Coordinates} and the variance simply converges to zero, with a warning
 * naming it; for other Σ structures, once Σ is singular to within
 * 1e-10 and the criterion is not falling, the edge λ_min(Σ) = 0 is treated as an active constraint and Newton's
 * step is restricted to its tangent (an active-set step); convergence there ends CONVERGED with Σ held just
 * inside positive definiteness and a warning naming what is at zero.
 *
 * <p>Convergence: the relative change of the criterion is below the tolerance and so is the Newton
 * decrement g'H⁻¹g/2 (the predicted further decrease, relative to the criterion: a scale-free measure of
 * the gradient).
 */
public final class NewtonEstimator implements Estimator {

    private static final Logger LOG = LoggerFactory.getLogger(NewtonEstimator.class);

    /** Armijo constant of the sufficient-decrease test. */
    private static final double ARMIJO = 1e-4;
    /** Step halvings before the line search gives up. */
    private static final int MAX_HALVINGS = 60;
    /** Relative eigenvalue floor of the modified Hessian. */
    private static final double EIGEN_FLOOR = 1e-10;

    /** Eigenvalue (relative to the larger of the matrix's and Σ's scale) below which a direction counts as at zero. */
    private static final double RELEASE_ZERO = 1e-6;

    /** Times a converged run may step back inside from a boundary where the KKT sign fails. */
    private static final int MAX_RELEASES = 5;
    /** A fall of the deviance per iteration that counts as "still falling" (deviance units). */
    private static final double FALLING = 1e-3;
    /** Consecutive falling iterations with a degenerate covariance matrix that prove unboundedness. */
    private static final int FALLING_STREAK = 3;
    /** Consecutive cut steps without a relative change above the tolerance after which the run has stalled. */
    private static final int STALL_LIMIT = 20;
    /** Relative eigenvalue of Ω below which the face of the cone where it is zero is tried (see faceOfOmega). */
    private static final double FACE_PROBE = 1e-4;
    /** Relative fall of the criterion per iteration below which the face of Ω's cone is tried. */
    private static final double FACE_PHASE = 1e-6;

    @Override
    public String name() {
        return "newton";
    }

    @Override
    public String description() {
        return "Newton–Raphson on the profiled likelihood with analytic gradient and Hessian (Lindstrom & Bates)";
    }

    @Override
    public FitResult fit(MixedModel model, FitOptions options) {
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        return FitAssembler.assemble(deviance, optimise(deviance, options));
    }

    /**
     * Runs Newton's method and reports how it went (the θ at which to assemble the result). Newton finds the
     * minimum of the basin it starts in; where the likelihood is known to have several (random effects beside a
     * structured Σ, whose variances trade off), it runs from each of {@link StartValues#candidates} and keeps the
     * lowest converged minimum.
     */
    public OptimisationSummary optimise(ProfiledDeviance deviance, FitOptions options) {
        List<double[]> starts = StartValues.candidates(deviance.model());
        OptimisationSummary best = null;
        long evaluations = 0;
        long started = System.nanoTime();
        for (double[] start : starts) {
            OptimisationSummary s = new Run(deviance, options).run(start);
            evaluations += s.evaluations();
            if (best == null || better(s, best, deviance)) {
                best = s;
            }
        }
        if (starts.size() == 1) {
            return best;
        }
        List<String> warnings = new ArrayList<>(best.warnings());
        String settings = best.settings() + ", starts=" + starts.size()
                + " (the best run is kept: its iterations and trace; evaluations summed over the runs)";
        return new OptimisationSummary(best.estimator(), best.status(), best.reason(), best.thetaStart(), best.theta(),
                best.iterations(), evaluations, System.nanoTime() - started, best.trace(), warnings, settings);
    }

    /** A run ranks above another when it converged and the other did not, or both did and it is lower. */
    private static boolean better(OptimisationSummary a, OptimisationSummary b, ProfiledDeviance deviance) {
        boolean ca = a.status() == FitStatus.CONVERGED;
        boolean cb = b.status() == FitStatus.CONVERGED;
        if (ca != cb) {
            return ca;
        }
        if (!ca) {
            return false;
        }
        return deviance.criterion(a.theta()) < deviance.criterion(b.theta()) - 1e-9;
    }

    /** One run of the method: the state of the iteration. */
    private static final class Run {
        private final ProfiledDeviance deviance;
        private final FitOptions options;
        private final MixedModel model;
        private final Degeneracy degeneracy;
        private final int observations;
        private final long started = System.nanoTime();
        private final List<IterationRecord> trace = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private Coordinates coords;
        private long evaluations;

        Run(ProfiledDeviance deviance, FitOptions options) {
            this.deviance = deviance;
            this.options = options;
            this.model = deviance.model();
            this.degeneracy = new Degeneracy(deviance);
            this.observations = model.data().observations();
        }

        OptimisationSummary run(double[] thetaStart) {
            coords = Coordinates.of(model, thetaStart, options.constrainPsd());
            double[] phi = coords.phi(thetaStart);
            double[] theta = coords.theta(phi);
            Gradient gr = gradient(theta);
            if (gr == null || !Double.isFinite(gr.criterion())) {
                return summary(FitStatus.FAILED, "the moment start values are not admissible (some V_i is not "
                        + "positive definite)", thetaStart, thetaStart, 0);
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
                // on the edge of Σ's admissible region, while the criterion is not falling without bound,
                // Newton's step is restricted to the tangent of the edge (an active constraint λ_min(Σ) = 0)
                // (in squared coordinates for the Σ variances the edge is reached without a constraint)
                double[] edge = streak == 0 && !coords.sigmaSquared() ? degeneracy.sigmaEdgeNormal(point.theta)
                        : null;
                Direction dir = direction(point, edge);
                double tolF = tolerance(point.f);
                if (lastChange <= tolF && dir.decrement / 2 <= tolF) {
                    // squared and Cholesky coordinates make a zero variance stationary whatever its gradient:
                    // before accepting, check the Karush–Kuhn–Tucker sign and step back inside if it points there
                    Point released = releases < MAX_RELEASES ? releaseFromBoundary(point) : null;
                    if (released != null) {
                        releases++;
                        lastChange = Double.POSITIVE_INFINITY;
                        point = released;
                        continue;
                    }
                    status = FitStatus.CONVERGED;
                    reason = "";
                    if (dir.projected) {
                        warnings.add(boundaryWarning(degeneracy.sigmaSingular(point.theta)));
                    } else if (coords.sigmaSquared()) {
                        String zero = degeneracy.zeroVariances(point.theta);
                        if (zero != null) {
                            warnings.add("the minimum lies on the boundary of the admissible region: " + zero
                                    + " (held at a negligible positive value, where Newton's method in squared "
                                    + "coordinates has converged; every V_i stays positive definite)");
                        }
                    }
                    break;
                }
                if (iteration >= options.maxIterations()) {
                    break;
                }
                iteration++;
                Step step = lineSearch(point, dir);
                if (step == null && !dir.steepest) {
                    step = lineSearch(point, steepest(point));
                }
                if (step == null) {
                    String unbounded = streak > 0 ? degeneracy.describe(point.theta, point.worstConditioning,
                            point.worstGroup, point.f) : null;
                    if (unbounded != null) {
                        status = FitStatus.UNBOUNDED;
                        reason = unbounded;
                    } else if (dir.decrement / 2 <= Math.max(tolF, 1e3 * noise(point.f))) {
                        status = FitStatus.CONVERGED;
                        reason = "";
                    } else {
                        reason = "no step from the current point lowers the criterion (Newton decrement "
                                + dir.decrement + ")";
                    }
                    iteration--;
                    break;
                }
                double fall = point.f - step.point.f;
                // absolute, like tolerance(f) = tol·max(1, |f|): the relative change is below tol
                lastChange = Math.abs(fall);
                point = step.point;
                streak = fall > FALLING ? streak + 1 : 0;
                stalled = step.alpha < 1 && lastChange <= tolerance(point.f) ? stalled + 1 : 0;
                IterationRecord rec = new IterationRecord(iteration, point.f, norm(point.gPhi), step.length,
                        evaluations);
                trace.add(rec);
                options.progress().accept(rec);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("newton iteration {}: criterion {} gradient norm {} step {} (alpha {}) evaluations {}",
                            iteration, point.f, rec.gradientNorm(), step.length, step.alpha, evaluations);
                }
                String unbounded = degeneracy.describe(point.theta, point.worstConditioning, point.worstGroup, point.f);
                if (unbounded != null && (streak >= FALLING_STREAK || point.f < -1e3 * Math.max(observations, 1))) {
                    status = FitStatus.UNBOUNDED;
                    reason = unbounded;
                    break;
                }
                if (stalled >= STALL_LIMIT) {
                    reason = "stalled: the steps are cut to almost nothing while the Newton decrement stays at "
                            + dir.decrement + " (the infimum may lie on the edge of the admissible "
                            + "region, Σ singular, or the model may not be identified)";
                    break;
                }
                // only in the final phase, where the other parameters barely move: the face where an eigenvalue
                // of Ω is zero is kept by the coordinates, so it must not be entered while the fit still travels
                Point face = lastChange <= FACE_PHASE * Math.max(1, Math.abs(point.f)) ? faceOfOmega(point) : null;
                if (face != null) {
                    lastChange += point.f - face.f;
                    point = face;
                }
            }
            double[] theta0 = thetaStart;
            double[] thetaEnd = point.theta;
            if (status == FitStatus.CONVERGED) {
                thetaEnd = snapToBoundary(point);
            }
            return summary(status, reason, theta0, thetaEnd, iteration);
        }

        private static String boundaryWarning(String what) {
            return "the minimum lies on the boundary of the admissible region: " + what + " (Σ is held just inside "
                    + "positive definiteness, where the Newton step restricted to the boundary has converged; every "
                    + "V_i stays positive definite)";
        }

        private OptimisationSummary summary(FitStatus status, String reason, double[] thetaStart, double[] theta,
                                            int iterations) {
            String settings = "maxIterations=" + options.maxIterations() + ", tolerance=" + options.tolerance()
                    + ", constrainPsd=" + options.constrainPsd() + ", coordinates="
                    + (coords == null ? "theta" : coords.describe());
            return new OptimisationSummary("newton", status, reason, thetaStart, theta, iterations, evaluations,
                    System.nanoTime() - started, trace, warnings, settings);
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

        private Point point(double[] phi, double[] theta, Gradient gr) {
            CriterionHessian h = deviance.hessian(theta, gr);
            double[] gPhi = coords.gradient(phi, gr.theta());
            double[][] hPhi = coords.hessian(phi, gr.theta(), h.hessian());
            return new Point(phi, theta, gr.criterion(), gPhi, hPhi, h.worstConditioning(), h.worstGroup());
        }

        /**
         * The modified Newton direction d = −M⁻¹g, M = H with its eigenvalues replaced by max(|λ|, floor). With an
         * active edge (normal a of λ_min(Σ) in φ) and a d that heads further out (a'd &lt; 0), d is instead the
         * minimiser of g'd + d'Md/2 subject to a'd = 0: d = −M⁻¹(g − μa), μ = a'M⁻¹g / a'M⁻¹a.
         */
        private Direction direction(Point pt, double[] edge) {
            int n = pt.gPhi.length;
            if (n == 0) {
                return new Direction(new double[0], 0, false, false);
            }
            // Jacobi scaling D = diag(|H_ii|^-1/2): variances (scale c² under y → cy) and Cholesky factors
            // (scale c) then meet on equal terms, so the eigenvalue floor below is invariant to the data's scale.
            double[] scale = new double[n];
            for (int i = 0; i < n; i++) {
                double hii = Math.abs(pt.hPhi[i][i]);
                scale[i] = hii > 0 && Double.isFinite(hii) ? 1 / Math.sqrt(hii) : 1;
            }
            double[][] hScaled = new double[n][n];
            double[] gScaled = new double[n];
            for (int i = 0; i < n; i++) {
                gScaled[i] = scale[i] * pt.gPhi[i];
                for (int j = 0; j < n; j++) {
                    hScaled[i][j] = scale[i] * pt.hPhi[i][j] * scale[j];
                }
            }
            SymmetricEigen eig = SymmetricEigen.of(hScaled);
            double top = 0;
            for (double v : eig.values()) {
                top = Math.max(top, Math.abs(v));
            }
            double floor = Math.max(EIGEN_FLOOR * top, Double.MIN_NORMAL);
            double[] mg = solveModified(eig, floor, gScaled);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = -mg[i];
            }
            boolean projected = false;
            if (edge != null) {
                double[] edgeScaled = new double[n];
                for (int i = 0; i < n; i++) {
                    edgeScaled[i] = scale[i] * edge[i];
                }
                if (dot(edgeScaled, d) < 0) {
                    double[] ma = solveModified(eig, floor, edgeScaled);
                    double ama = dot(edgeScaled, ma);
                    if (ama > 0) {
                        double mu = dot(edgeScaled, mg) / ama;
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
            return new Direction(d, -dot(pt.gPhi, d), false, projected);
        }

        /** M⁻¹v for M = Q diag(max(|λ|, floor)) Q'. */
        private static double[] solveModified(SymmetricEigen eig, double floor, double[] v) {
            int n = v.length;
            double[] out = new double[n];
            for (int j = 0; j < n; j++) {
                double coef = 0;
                for (int i = 0; i < n; i++) {
                    coef += eig.vectors()[i][j] * v[i];
                }
                coef /= Math.max(Math.abs(eig.values()[j]), floor);
                for (int i = 0; i < n; i++) {
                    out[i] += coef * eig.vectors()[i][j];
                }
            }
            return out;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        /** Steepest descent, scaled so that its length matches the gradient's Cauchy step on |H|. */
        private Direction steepest(Point pt) {
            int n = pt.gPhi.length;
            double gg = 0;
            double ghg = 0;
            for (int i = 0; i < n; i++) {
                gg += pt.gPhi[i] * pt.gPhi[i];
                for (int j = 0; j < n; j++) {
                    ghg += pt.gPhi[i] * pt.hPhi[i][j] * pt.gPhi[j];
                }
            }
            double scale = ghg > 0 ? gg / ghg : 1 / Math.max(Math.sqrt(gg), Double.MIN_NORMAL);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = -scale * pt.gPhi[i];
            }
            return new Direction(d, scale * gg, true, false);
        }

        /** Step-halving from α = 1 until the criterion falls enough (Armijo) at an admissible point. */
        private Step lineSearch(Point pt, Direction dir) {
            double slope = -dir.decrement;
            if (!(slope < 0)) {
                return null;
            }
            double alpha = 1;
            for (int h = 0; h <= MAX_HALVINGS; h++, alpha /= 2) {
                double[] phi = pt.phi.clone();
                for (int i = 0; i < phi.length; i++) {
                    phi[i] += alpha * dir.d[i];
                }
                double[] theta = coords.theta(phi);
                if (!deviance.isAdmissible(theta, options.constrainPsd() && !coords.omegaAlwaysPsd())) {
                    continue;
                }
                // the full step usually succeeds: evaluate it with its gradient; shorter ones by the criterion first
                Gradient gr = null;
                double f;
                if (alpha == 1) {
                    gr = gradient(theta);
                    f = gr == null ? Double.POSITIVE_INFINITY : gr.criterion();
                } else {
                    evaluations++;
                    f = deviance.criterion(theta);
                }
                if (!Double.isFinite(f)) {
                    continue;
                }
                if (f <= pt.f + ARMIJO * alpha * slope) {
                    if (gr == null) {
                        gr = gradient(theta);
                    }
                    return new Step(point(phi, theta, gr), alpha, alpha * norm(dir.d));
                }
                if (Math.abs(alpha * slope) < noise(pt.f) * 1e-3) {
                    return null;
                }
            }
            return null;
        }

        /**
         * Where Ω is close to singular (an eigenvalue below {@link #FACE_PROBE} of its scale), the point with those
         * eigenvalues set to zero, when it has a lower criterion and the gradient there points out of the cone in
         * each zeroed direction e (e'G_Ωe ≥ 0: raising that eigenvalue would raise the criterion), else null.
         * Newton approaches such a face of the positive semi-definite cone only linearly when the gradient along it
         * vanishes (no strict complementarity); jumping onto the face restores the quadratic rate on it.
         */
        /**
         * The KKT check at a candidate optimum: for Σ (when its variances are squared coordinates) and Ω, an
         * eigen-direction v whose eigenvalue is negligible but along which the criterion falls (v'Gv &lt; 0 for the
         * matrix gradient G) is moved back inside, S → S + δvv', with δ the largest of 1e-2, 1e-3, 1e-4 times the
         * matrix's scale that lowers the criterion. Null when every such direction is a true boundary optimum.
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
            SymmetricEigen eig = SymmetricEigen.of(s);
            int d = s.length;
            double top = Math.max(residualScale, eig.values()[d - 1]);
            for (int j = 0; j < d; j++) {
                if (eig.values()[j] > RELEASE_ZERO * top) {
                    continue;
                }
                double[] v = new double[d];
                double slope = 0;
                for (int a = 0; a < d; a++) {
                    v[a] = eig.vectors()[a][j];
                }
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        slope += v[a] * g[a][b] * v[b];
                    }
                }
                if (slope >= -tolerance(pt.f)) {
                    continue;
                }
                for (double delta : new double[] {1e-2 * top, 1e-3 * top, 1e-4 * top}) {
                    double[][] moved = new double[d][d];
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            moved[a][b] = s[a][b] + delta * v[a] * v[b];
                        }
                    }
                    double[] theta = pt.theta.clone();
                    double[] part = sigma ? model.residual().parameters(moved) : model.randomEffects().parameters(moved);
                    System.arraycopy(part, 0, theta, sigma ? 0 : model.sigmaParameterCount(), part.length);
                    double[] phi = coords.phi(theta);
                    double[] back = coords.theta(phi);
                    Gradient gr = gradient(back);
                    if (gr != null && gr.criterion() < pt.f) {
                        LOG.debug("newton: {} direction {} released from the boundary (slope {}), criterion {} -> {}",
                                sigma ? "Σ" : "Ω", j, slope, pt.f, gr.criterion());
                        return point(phi, back, gr);
                    }
                }
            }
            return null;
        }

        private Point faceOfOmega(Point pt) {
            if (!options.constrainPsd() || model.data().q() == 0 || !coords.omegaAlwaysPsd()) {
                return null;
            }
            Degeneracy.Clipped clipped = degeneracy.clipOmega(pt.theta, FACE_PROBE);
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
            double[][] g = gr.omegaGradient();
            for (double[] e : clipped.directions()) {
                double s = 0;
                for (int a = 0; a < e.length; a++) {
                    for (int b = 0; b < e.length; b++) {
                        s += e[a] * g[a][b] * e[b];
                    }
                }
                if (s < 0) {
                    return null;
                }
            }
            return point(phi, theta, gr);
        }

        /**
         * At a converged point, sets eigenvalues of Ω that are negligible (relative to the largest, or to
         * the residual scale) to zero when that does not raise the criterion: a boundary fit then has an
         * exactly singular Ω̂.
         */
        private double[] snapToBoundary(Point pt) {
            if (!options.constrainPsd() || model.data().q() == 0) {
                return pt.theta;
            }
            Degeneracy.Clipped clipped = degeneracy.clipOmega(pt.theta, Degeneracy.OMEGA_CLIP);
            double[] snapped = clipped == null ? null : clipped.theta();
            if (snapped == null || !deviance.isAdmissible(snapped, true)) {
                return pt.theta;
            }
            evaluations++;
            double f = deviance.criterion(snapped);
            if (f <= pt.f + tolerance(pt.f)) {
                return snapped;
            }
            return pt.theta;
        }

        private static double norm(double[] v) {
            double s = 0;
            for (double a : v) {
                s += a * a;
            }
            return Math.sqrt(s);
        }
    }

    /** An iterate: coordinates, θ, criterion, gradient and Hessian in the optimiser's coordinates, V_i conditioning. */
    private record Point(double[] phi, double[] theta, double f, double[] gPhi, double[][] hPhi, double worstConditioning,
                         String worstGroup) {
    }

    /** A search direction, its Newton decrement −g'd, and whether it is steepest descent or restricted to Σ's edge. */
    private record Direction(double[] d, double decrement, boolean steepest, boolean projected) {
    }

    /** An accepted step. */
    private record Step(Point point, double alpha, double length) {
    }
}
