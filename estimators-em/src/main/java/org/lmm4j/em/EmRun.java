package org.lmm4j.em;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One EM fit: the iteration (plain or SQUAREM cycles), the boundary step for Ω, the stopping rules
 * and the summary handed to {@link FitAssembler}. Holds the mutable state of a single run.
 */
final class EmRun {

    private static final Logger LOG = LoggerFactory.getLogger(EmRun.class);

    /** Ω's eigenvalues are checked for a boundary step every this many iterations. */
    static final int PROBE_EVERY = 10;
    /** Σ is degenerate when its smallest eigenvalue falls below this fraction of the largest (or of the start's). */
    static final double DEGENERATE = 1e-9;
    /** An eigenvalue of Ω below this fraction of Ω's scale counts as zero (a boundary direction). */
    static final double NULL_EIGENVALUE = 1e-9;
    /** Σ counts as nearly degenerate (for judging a failed or rising step) below this eigenvalue ratio. */
    static final double NEARLY_DEGENERATE = 1e-6;
    /** A fall of the criterion per iteration, relative to max(1, |criterion|), that counts as "still falling". */
    static final double FALLING = 1e-4;
    /**
     * Ω's boundary is only tried while EM creeps: the last relative change of the criterion is below this.
     * Earlier, a shrinking eigenvalue may be a transient of the path, not the approach to a boundary minimum.
     */
    static final double CREEPING = 1e-5;
    /** Upper bound on the observed linear rate of convergence used to extrapolate the remaining fall. */
    static final double MAX_RATE = 1 - 1e-6;
    /** Relative rise of the criterion tolerated as rounding. */
    static final double RISE_SLACK = 1e-10;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final FitOptions options;
    private final double[] theta0;
    private final long start;
    private final EmMap map;
    private final int q;
    private final int t;
    private final List<IterationRecord> trace = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Deque<double[]> omegaHistory = new ArrayDeque<>();
    private double sigmaScale0;
    private double omegaScale0;
    private int boundarySteps;

    EmRun(ProfiledDeviance deviance, FitOptions options, double[] theta0, long start) {
        this.deviance = deviance;
        this.model = deviance.model();
        this.options = options;
        this.theta0 = theta0;
        this.start = start;
        this.map = new EmMap(deviance);
        this.q = model.data().q();
        this.t = model.data().occasions();
    }

    static String settings(FitOptions o) {
        return "maxIterations=" + o.maxIterations() + ", tolerance=" + o.tolerance() + ", accelerate="
                + (o.accelerate() ? "SQUAREM" : "none") + ", REML=flat-prior beta (Laird-Lange-Stram)";
    }

    FitResult execute() {
        EmMap.Point cur = map.at(theta0);
        if (cur == null) {
            return finish(FitStatus.FAILED, "the start values give a covariance that is not positive definite", theta0, 0);
        }
        CovarianceMatrices c0 = deviance.covariances(theta0);
        sigmaScale0 = Spectral.of(c0.sigma()).largest();
        omegaScale0 = q > 0 ? Math.max(Spectral.of(c0.omega()).largest(), Double.MIN_NORMAL) : 0;
        double tol = options.tolerance();
        double parameterTol = Math.max(0.1 * Math.sqrt(tol), 1e-12);
        LOG.debug("EM start: criterion {} at θ {}", cur.criterion(), cur.theta());
        int iteration = 0;
        double lastChange = 0;
        while (iteration < options.maxIterations()) {
            if (cur.sigmaUnbounded()) {
                return finish(FitStatus.UNBOUNDED, "the likelihood is unbounded: the M-step's Σ for the expected "
                        + "residual scatter Σ_i E(e_ie_i'|y) is singular, so the deviance falls without bound as Σ "
                        + "degenerates", cur.theta(), iteration);
            }
            iteration++;
            EmMap.Point prev = cur;
            double alpha = 1;
            if (options.accelerate()) {
                Squarem.Cycle cycle = Squarem.cycle(map, cur);
                if (cycle == null) {
                    return stopAfterFailedStep(prev, iteration);
                }
                cur = cycle.point();
                alpha = -cycle.alpha();
            } else {
                EmMap.Point next = map.at(cur.image());
                if (next == null) {
                    return stopAfterFailedStep(prev, iteration);
                }
                cur = next;
            }
            if (cur.criterion() > prev.criterion() + RISE_SLACK * Math.max(1, Math.abs(prev.criterion()))) {
                LOG.debug("EM step raised the criterion from {} to {}; stopping at the previous point",
                        prev.criterion(), cur.criterion());
                return stopAfterFailedStep(prev, iteration);
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
            IterationRecord rec = new IterationRecord(iteration, cur.criterion(),
                    cur.estep().gradient().norm(), alpha, map.evaluations());
            trace.add(rec);
            options.progress().accept(rec);
            LOG.debug("EM iteration {}: criterion {} (step {}, {} evaluations)", iteration, cur.criterion(), alpha,
                    map.evaluations());
            String degenerate = sigmaDegeneration(cur, DEGENERATE);
            if (degenerate != null && falling(prev, cur)) {
                return finish(FitStatus.UNBOUNDED, degenerate, cur.theta(), iteration);
            }
            double change = prev.criterion() - cur.criterion();
            double rate = lastChange > 0 && change > 0 ? Math.min(change / lastChange, MAX_RATE) : 0;
            lastChange = change;
            // the criterion still to fall if the iteration converges linearly at the observed rate
            double remaining = Math.max(change, 0) / (1 - rate) / Math.max(1, Math.abs(cur.criterion()));
            if (remaining <= tol && (matrixChange(prev.theta(), cur.theta()) <= parameterTol
                    || scaledGradient(cur) <= 1e-3 * Math.sqrt(tol) * Math.max(1, Math.abs(cur.criterion())))) {
                EmMap.Point released = q > 0 ? release(cur) : null;
                if (released == null) {
                    return finish(FitStatus.CONVERGED, "", cur.theta(), iteration);
                }
                cur = released;
            }
        }
        return finish(FitStatus.NOT_CONVERGED, "iteration limit " + options.maxIterations() + " reached",
                cur.theta(), iteration);
    }

    /**
     * max_k |∂Δ/∂θ_k|·s_k with s_k = max(|θ_k|, 10⁻³ max_j |θ_j|): the change of the criterion for a relative
     * change of each parameter. Where the likelihood is flat EM's parameters may still drift by more than the
     * parameter tolerance per iteration while this first-order measure already shows a stationary point.
     */
    private static double scaledGradient(EmMap.Point p) {
        double[] theta = p.theta();
        double[] g = p.estep().gradient().theta();
        double top = 0;
        for (double v : theta) {
            top = Math.max(top, Math.abs(v));
        }
        double worst = 0;
        for (int k = 0; k < theta.length; k++) {
            worst = Math.max(worst, Math.abs(g[k]) * Math.max(Math.abs(theta[k]), 1e-3 * top));
        }
        return worst;
    }

    /** True when the criterion fell from a to b by more than {@link #FALLING} (relative). */
    private static boolean falling(EmMap.Point a, EmMap.Point b) {
        return a.criterion() - b.criterion() > FALLING * Math.max(1, Math.abs(b.criterion()));
    }

    /**
     * The EM step from prev could not be taken (inadmissible, or it rose through rounding): when Σ is nearly
     * degenerate while the criterion was still falling, the likelihood is unbounded; otherwise numerical trouble.
     */
    private FitResult stopAfterFailedStep(EmMap.Point prev, int iteration) {
        String degenerate = sigmaDegeneration(prev, NEARLY_DEGENERATE);
        int n = trace.size();
        boolean wasFalling = n >= 2 && trace.get(n - 2).criterion() - trace.get(n - 1).criterion()
                > FALLING * Math.max(1, Math.abs(trace.get(n - 1).criterion()));
        if (degenerate != null && wasFalling) {
            return finish(FitStatus.UNBOUNDED, degenerate, prev.theta(), iteration - 1);
        }
        return finish(FitStatus.NOT_CONVERGED, "the EM update left the admissible region or raised the criterion "
                + "(numerical trouble)", prev.theta(), iteration - 1);
    }

    private FitResult finish(FitStatus status, String reason, double[] theta, int iterations) {
        if (boundarySteps > 0 && q > 0 && status == FitStatus.CONVERGED) {
            Spectral sp = Spectral.of(deviance.covariances(theta).omega());
            if (sp.smallest() <= NULL_EIGENVALUE * omegaScale0) {
                warnings.add("EM stepped to the boundary: Ω's shrinking eigen-directions were set to zero, where the "
                        + "deviance is lower (plain EM only creeps towards a boundary)");
            }
        }
        if (q > 0 && !options.constrainPsd()) {
            warnings.add("EM keeps Ω positive semi-definite (its M-step is a scatter matrix); indefinite Ω was not explored");
        }
        LOG.debug("EM finished: {} after {} iterations, {} evaluations{}", status, iterations, map.evaluations(),
                reason.isEmpty() ? "" : " (" + reason + ")");
        OptimisationSummary s = new OptimisationSummary("em", status, reason, theta0, theta, iterations,
                map.evaluations(), System.nanoTime() - start, trace, warnings, settings(options));
        return FitAssembler.assemble(deviance, s);
    }

    /** A one-line reason when Σ is degenerating (smallest eigenvalue → 0 relative to the largest or to the start). */
    private String sigmaDegeneration(EmMap.Point p, double threshold) {
        double[][] sigma = deviance.covariances(p.theta()).sigma();
        Spectral sp = Spectral.of(sigma);
        double ratio = sp.smallest() / Math.max(sp.largest(), Double.MIN_NORMAL);
        double toStart = sp.smallest() / sigmaScale0;
        if (ratio > threshold && toStart > threshold) {
            return null;
        }
        int worst = 0;
        for (int k = 1; k < sigma.length; k++) {
            if (sigma[k][k] < sigma[worst][worst]) {
                worst = k;
            }
        }
        List<String> labels = model.data().occasionLabels();
        String at = worst < labels.size() ? labels.get(worst) : String.valueOf(worst + 1);
        boolean variance = sigma[worst][worst] <= threshold * Math.max(sp.largest(), sigmaScale0) * 10;
        return String.format("the likelihood is unbounded: the residual covariance Σ degenerates "
                        + "(smallest/largest eigenvalue %.2e%s) while the deviance keeps falling",
                Math.min(ratio, toStart), variance ? ", variance at occasion " + at + " → 0" : "");
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
        omegaHistory.addLast(Spectral.of(deviance.covariances(p.theta()).omega()).values());
        while (omegaHistory.size() > PROBE_EVERY + 1) {
            omegaHistory.removeFirst();
        }
    }

    /**
     * The boundary step: when Ω's k smallest eigenvalues have all shrunk over the last {@link #PROBE_EVERY}
     * iterations, the points with the 1..k smallest set to zero are tried; the best is taken when its
     * criterion is below the current one.
     */
    private EmMap.Point boundaryStep(EmMap.Point cur) {
        if (omegaHistory.size() <= PROBE_EVERY) {
            return null;
        }
        double[] then = omegaHistory.peekFirst();
        double[] now = omegaHistory.peekLast();
        int shrinking = 0;
        while (shrinking < q && now[shrinking] < then[shrinking] && now[shrinking] > NULL_EIGENVALUE * omegaScale0) {
            shrinking++;
        }
        if (shrinking == 0) {
            return null;
        }
        CovarianceStructure structure = model.randomEffects();
        Spectral sp = Spectral.of(deviance.covariances(cur.theta()).omega());
        double[] sigmaTheta = deviance.sigmaTheta(cur.theta());
        double best = cur.criterion() - RISE_SLACK * Math.max(1, Math.abs(cur.criterion()));
        double[] bestTheta = null;
        int bestZeroed = 0;
        for (int z = 1; z <= shrinking; z++) {
            double[] theta = representable(structure, sp.withoutSmallest(z), sigmaTheta);
            if (theta == null) {
                continue;
            }
            double c = map.criterion(theta);
            if (c < best) {
                best = c;
                bestTheta = theta;
                bestZeroed = z;
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
        LOG.debug("EM boundary step: {} eigen-direction(s) of Ω set to zero, criterion {} -> {}", bestZeroed,
                cur.criterion(), p.criterion());
        return p;
    }

    /**
     * At a converged point with Ω singular: if the criterion falls when Ω grows along a null direction
     * (v'G_Ωv &lt; 0 for the gradient G_Ω, the Karush–Kuhn–Tucker condition fails), a point inside the cone with
     * a lower criterion; otherwise null (the boundary point is a constrained minimum).
     */
    private EmMap.Point release(EmMap.Point cur) {
        double[] v = interiorDescent(cur);
        if (v == null) {
            return null;
        }
        double[][] omega = deviance.covariances(cur.theta()).omega();
        double slack = 1e-9 * Math.max(1, Math.abs(cur.criterion()));
        double[] sigmaTheta = deviance.sigmaTheta(cur.theta());
        for (double eps = omegaScale0; eps > omegaScale0 * 1e-10; eps /= 4) {
            double[][] moved = Matrices.copy(omega);
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < q; j++) {
                    moved[i][j] += eps * v[i] * v[j];
                }
            }
            double[] theta = representable(model.randomEffects(), moved, sigmaTheta);
            if (theta != null && map.criterion(theta) < cur.criterion() - slack) {
                LOG.debug("EM leaves the boundary along a null direction of Ω, step {}", eps);
                omegaHistory.clear();
                return map.at(theta);
            }
        }
        return null;
    }

    /**
     * At a point where Ω is singular: a unit direction v in Ω's null space along which the criterion falls
     * (v'G_Ωv &lt; 0, the Karush–Kuhn–Tucker condition for the positive semi-definite cone fails), or null when
     * there is none (Ω regular, or the boundary is a constrained stationary point).
     */
    private double[] interiorDescent(EmMap.Point p) {
        Spectral sp = Spectral.of(deviance.covariances(p.theta()).omega());
        double scale = Math.max(sp.largest(), omegaScale0);
        int nullDim = 0;
        while (nullDim < q && sp.values()[nullDim] <= NULL_EIGENVALUE * scale) {
            nullDim++;
        }
        if (nullDim == 0) {
            return null;
        }
        double[][] g = p.estep().gradient().omegaGradient();
        double[][] h = new double[nullDim][nullDim];
        for (int a = 0; a < nullDim; a++) {
            for (int b = 0; b < nullDim; b++) {
                double s = 0;
                for (int i = 0; i < q; i++) {
                    for (int j = 0; j < q; j++) {
                        s += sp.vectors()[a][i] * g[i][j] * sp.vectors()[b][j];
                    }
                }
                h[a][b] = s;
            }
        }
        Spectral hs = Spectral.of(h);
        double slack = 1e-9 * Math.max(1, Math.abs(p.criterion()));
        if (hs.smallest() * omegaScale0 >= -slack) {
            return null;
        }
        double[] v = new double[q];
        for (int a = 0; a < nullDim; a++) {
            for (int i = 0; i < q; i++) {
                v[i] += hs.vectors()[0][a] * sp.vectors()[a][i];
            }
        }
        return v;
    }

    /** θ = (θ_Σ, θ_Ω) with Ω(θ_Ω) = the given matrix, or null when the structure cannot represent it. */
    private double[] representable(CovarianceStructure structure, double[][] omega, double[] sigmaTheta) {
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
