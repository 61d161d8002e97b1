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
 * One EM fit: the iteration (plain or SQUAREM cycles), the boundary step for Ω, the Newton polishing once EM
 * slows down ({@link Polish}; see {@link EmEstimator}), the confirmed-degeneration test for UNBOUNDED, the
 * stopping rules and the summary handed to {@link FitAssembler}. Holds the mutable state of a single run.
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
    /** The window of iterations over which {@link #stalled()} judges EM's progress. */
    static final int STALL_WINDOW = 20;
    /** EM has slowed down when it lowers the criterion by less than this per iteration (relative) ... */
    static final double STALL_CHANGE = 1e-6;
    /** ... and the fall over one window is more than this fraction of the fall over the window before. */
    static final double STALL_RATIO = 0.5;
    /** Newton polishing steps per polishing run, and runs per fit. */
    static final int MAX_POLISH_STEPS = 30;
    static final int MAX_POLISH_RUNS = 8;
    /** Polishing's bound on the scaled gradient on the free directions, relative to max(1, |criterion|). */
    static final double GRADIENT_TOLERANCE = 1e-7;
    /** A real degeneration of Σ lowers the criterion by more than this per decade of its vanishing eigenvalues. */
    static final double DECADE_FALL = 1.0;
    /** The trend test's fall of the criterion per iteration, and its number of iterations. */
    static final double TREND_FALL = 0.5;
    static final int TREND_STEPS = 3;
    /** Relative rise of the criterion tolerated as rounding. */
    static final double RISE_SLACK = 1e-10;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final FitOptions options;
    private double[] theta0;
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
    /** Iterations done (EM and polishing), EM iterations alone, polishing runs started. */
    private int iteration;
    private int emIterations;
    private int polishRuns;
    /** The trace's iteration numbers that are Newton polishing steps, not EM. */
    private final List<Integer> polishIterations = new ArrayList<>();
    /** Σ's smallest/largest eigenvalue ratio after each traced iteration. */
    private final List<Double> sigmaRatios = new ArrayList<>();

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
                + (o.accelerate() ? "SQUAREM" : "none") + ", REML=flat-prior beta (Laird-Lange-Stram)"
                + ", polish=projected Newton (analytic gradient, difference Hessian) once EM slows down";
    }

    FitResult execute() {
        EmMap.Point cur = map.at(theta0);
        if (cur == null) {
            double[] repaired = ridged(theta0);
            cur = repaired == null ? null : map.at(repaired);
            if (cur != null) {
                LOG.debug("EM start values {} inadmissible; starting from the ridged {}", theta0, repaired);
                theta0 = repaired;
            }
        }
        if (cur == null) {
            return finish(FitStatus.FAILED, "the start values give a covariance that is not positive definite", theta0);
        }
        CovarianceMatrices c0 = deviance.covariances(theta0);
        sigmaScale0 = Spectral.of(c0.sigma()).largest();
        omegaScale0 = q > 0 ? Math.max(Spectral.of(c0.omega()).largest(), Double.MIN_NORMAL) : 0;
        double tol = options.tolerance();
        double parameterTol = Math.max(0.1 * Math.sqrt(tol), 1e-12);
        LOG.debug("EM start: criterion {} at θ {}", cur.criterion(), cur.theta());
        double lastChange = 0;
        int lastPolish = 0;
        while (emIterations < options.maxIterations()) {
            if (cur.sigmaUnbounded()) {
                Boolean real = mStepDegenerationIsReal(cur);
                if (real == null || real || trendConfirms()) {
                    return finish(FitStatus.UNBOUNDED, "the likelihood is unbounded: the M-step's Σ for the expected "
                            + "residual scatter Σ_i E(e_ie_i'|y) is singular, and the deviance falls without bound as Σ "
                            + "degenerates towards it", cur.theta());
                }
                // numerically singular scatter, but the criterion does not fall without bound there
                Polished p = polish(cur);
                return finish(p.converged() ? FitStatus.CONVERGED : FitStatus.NOT_CONVERGED, p.converged() ? ""
                        : "the M-step's Σ is numerically singular while the likelihood stays bounded; EM cannot "
                        + "proceed and Newton polishing did not converge", p.theta());
            }
            iteration++;
            emIterations++;
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
                if (emIterations % PROBE_EVERY == 0 && relChange < CREEPING) {
                    EmMap.Point b = boundaryStep(cur);
                    if (b != null) {
                        cur = b;
                    }
                }
            }
            record(cur.criterion(), cur.estep().gradient().norm(), alpha, cur.theta(), false);
            LOG.debug("EM iteration {}: criterion {} (step {}, {} evaluations)", iteration, cur.criterion(), alpha,
                    map.evaluations());
            String degenerate = sigmaDegeneration(cur, DEGENERATE);
            if (degenerate != null && falling(prev, cur) && degenerationIsReal(cur)) {
                return finish(FitStatus.UNBOUNDED, degenerate, cur.theta());
            }
            double change = prev.criterion() - cur.criterion();
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
                if (polishRuns >= MAX_POLISH_RUNS) {
                    return finish(FitStatus.CONVERGED, "", cur.theta());
                }
                // EM's own test is met; a Newton step confirms the minimum (or finds the rest of the way to it)
                Polished p = polish(cur);
                if (p.steps() == 0 || p.converged()) {
                    return finish(FitStatus.CONVERGED, "", p.theta());
                }
                cur = map.at(p.theta());
                lastChange = 0;
                lastPolish = iteration;
                continue;
            }
            if (iteration - lastPolish >= 2 * STALL_WINDOW && stalled() && polishRuns < MAX_POLISH_RUNS) {
                // EM has slowed down (typically creeping towards a boundary): finish with Newton polishing
                Polished p = polish(cur);
                lastPolish = iteration;
                if (p.converged()) {
                    return finish(FitStatus.CONVERGED, "", p.theta());
                }
                if (p.steps() > 0) {
                    cur = map.at(p.theta());
                    lastChange = 0;
                }
            }
        }
        // the iteration limit: when EM has slowed down, Newton polishing may still finish the fit
        Polished p = lastChange >= 0 && lastChange / Math.max(1, Math.abs(cur.criterion())) < CREEPING
                && polishRuns < MAX_POLISH_RUNS ? polish(cur) : new Polished(cur.theta(), false, 0);
        return finish(p.converged() ? FitStatus.CONVERGED : FitStatus.NOT_CONVERGED,
                p.converged() ? "" : "iteration limit " + options.maxIterations() + " reached", p.theta());
    }

    /**
     * EM has clearly slowed down: over the last {@link #STALL_WINDOW} iterations the criterion fell by less than
     * {@link #STALL_CHANGE} per iteration (relative to max(1, |criterion|)), and by more than
     * {@link #STALL_RATIO} of its fall over the window before. A linearly converging EM at rate r shrinks its
     * fall by r^20 per window (0.27 for the plain EM rate 0.94 of the dental random model) and goes on; EM
     * creeping sublinearly towards a boundary, or along a flat ridge at a rate near 1, does not.
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

    /**
     * The result of a polishing run.
     *
     * @param theta     the last accepted θ (the start when no step was taken)
     * @param converged the Newton decrement fell below the tolerance on the active faces
     * @param steps     the number of Newton steps taken (each lowers the criterion)
     */
    private record Polished(double[] theta, boolean converged, int steps) {
    }

    /**
     * Up to {@link #MAX_POLISH_STEPS} projected Newton steps ({@link Polish}) from the EM point p, each
     * recorded in the trace as a polishing iteration. Converged when the Newton decrement (twice the predicted
     * remaining fall of the criterion) is below 2·10⁻³·tolerance·max(1, |criterion|) and the scaled gradient on
     * the free directions below {@link #GRADIENT_TOLERANCE}·max(1, |criterion|) (an ill-conditioned Hessian can
     * leave the first small while the second is not), or, when rounding stops further steps from lowering the
     * criterion, with a decrement below 2·tolerance·max(1, |criterion|).
     */
    private Polished polish(EmMap.Point p) {
        polishRuns++;
        Polish newton = new Polish(map, options.constrainPsd(), omegaScale0);
        double[] theta = p.theta();
        double f = p.criterion();
        org.lmm4j.likelihood.Gradient g = p.estep().gradient();
        int steps = 0;
        while (steps < MAX_POLISH_STEPS) {
            Polish.Direction d = newton.direction(theta, g);
            if (d == null) {
                break;
            }
            double small = 2 * options.tolerance() * Math.max(1, Math.abs(f));
            if (d.decrement() <= 1e-3 * small && d.reducedGradient() <= GRADIENT_TOLERANCE * Math.max(1, Math.abs(f))) {
                LOG.debug("EM polishing converged after {} Newton step(s): criterion {}", steps, f);
                return new Polished(theta, true, steps);
            }
            Polish.Step s = newton.search(theta, f, d);
            if (s == null) {
                // rounding: no step lowers the criterion any more; converged when little was left to gain
                LOG.debug("EM polishing: no Newton step lowers the criterion {} (decrement {})", f, d.decrement());
                return new Polished(theta, d.decrement() <= small, steps);
            }
            steps++;
            iteration++;
            theta = s.theta();
            f = s.criterion();
            g = s.gradient();
            record(f, g.norm(), s.length(), theta, true);
            LOG.debug("EM polishing step {}: criterion {} (λ = {}, {} active face constraints)", steps, f, s.length(),
                    d.faces());
        }
        return new Polished(theta, false, steps);
    }

    /** Appends an iteration (EM, or a polishing step) to the trace and tells the progress listener. */
    private void record(double criterion, double gradientNorm, double step, double[] theta, boolean polishing) {
        IterationRecord rec = new IterationRecord(iteration, criterion, gradientNorm, step, map.evaluations());
        trace.add(rec);
        sigmaRatios.add(sigmaRatio(theta));
        if (polishing) {
            polishIterations.add(iteration);
        }
        options.progress().accept(rec);
    }

    /**
     * The moment start with a ridge: Σ + 10⁻²·λ_max(Σ)·I and Ω's negative eigenvalues set to zero, projected
     * onto the structures; null when that is still inadmissible. (Moment estimates can put a variance at zero,
     * e.g. at an occasion seen only once, where the criterion is +∞ and EM could not start.)
     */
    private double[] ridged(double[] theta) {
        CovarianceMatrices c = deviance.covariances(theta);
        Spectral ss = Spectral.of(c.sigma());
        double top = Math.max(ss.largest(), 0);
        if (!(top > 0) || !Double.isFinite(top)) {
            return null;
        }
        double[][] sigma = ss.withoutSmallest(0);
        for (int i = 0; i < t; i++) {
            sigma[i][i] += 1e-2 * top;
        }
        double[] omegaTheta = q == 0 ? new double[0]
                : model.randomEffects().parameters(Spectral.of(c.omega()).withoutSmallest(0));
        double[] out = deviance.join(model.residual().parameters(sigma), omegaTheta);
        return deviance.isAdmissible(out, true) ? out : null;
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
     * degenerate while the criterion was still falling, and the degeneration is confirmed to take the criterion
     * to −∞ ({@link #degenerationIsReal}), the likelihood is unbounded; otherwise Newton polishing finishes the fit
     * from prev.
     */
    private FitResult stopAfterFailedStep(EmMap.Point prev) {
        iteration--;
        emIterations--;
        String degenerate = sigmaDegeneration(prev, NEARLY_DEGENERATE);
        int n = trace.size();
        boolean wasFalling = n >= 2 && trace.get(n - 2).criterion() - trace.get(n - 1).criterion()
                > FALLING * Math.max(1, Math.abs(trace.get(n - 1).criterion()));
        if (degenerate != null && wasFalling && degenerationIsReal(prev)) {
            return finish(FitStatus.UNBOUNDED, degenerate, prev.theta());
        }
        Polished p = polish(prev);
        return finish(p.converged() ? FitStatus.CONVERGED : FitStatus.NOT_CONVERGED, p.converged() ? ""
                : "the EM update left the admissible region or raised the criterion (numerical trouble)", p.theta());
    }

    /**
     * Confirms that Σ's degeneration at p is real, by either of two tests. The decade test: Σ with its eigenvalues
     * below {@link #NEARLY_DEGENERATE} of the largest set to zero is the limit, and the criterion falls by more than
     * {@link #DECADE_FALL} for each decade by which those eigenvalues shrink (a degenerating V_i contributes log ε
     * to its log det: ln 10 per decade), over three decades. The trend test, for paths along which the null
     * direction still turns (or structures that cannot represent the decade test's points): over the last
     * {@link #TREND_STEPS} iterations the criterion fell by more than {@link #TREND_FALL} each time while Σ's
     * smallest/largest eigenvalue ratio kept shrinking. A boundary minimum with a finite deviance (a variance of
     * Σ → 0 while Z_iΩZ_i' keeps V_i positive definite, or a nearly collinear Σ whose criterion turns up again)
     * fails both.
     */
    private boolean degenerationIsReal(EmMap.Point p) {
        double[][] sigma = deviance.covariances(p.theta()).sigma();
        return Boolean.TRUE.equals(fallsWithoutBound(sigma, deviance.omegaTheta(p.theta()))) || trendConfirms();
    }

    /**
     * The M-step flagged Σ's maximiser as singular: true when the criterion falls without bound towards that
     * singular matrix (the decade test of {@link #degenerationIsReal}), false when it does not (the scatter was
     * only numerically singular), null when the test cannot be made (then the flag is trusted: a singular
     * expected scatter makes sup Q, and with it the likelihood, unbounded).
     */
    private Boolean mStepDegenerationIsReal(EmMap.Point p) {
        ExpectedScatter e = p.estep();
        if (e.sigmaObservedOnly()) {
            return null;
        }
        double[][] target;
        try {
            target = model.residual().matrix(model.residual().maximise(e.sigma(), e.sigmaCount()), t);
        } catch (RuntimeException ex) {
            return null;
        }
        return fallsWithoutBound(target, deviance.omegaTheta(p.theta()));
    }

    /**
     * The decade test: with S₀ = the target with its eigenvalues below {@link #NEARLY_DEGENERATE} of the largest
     * (and negative ones) set to zero, the criterion at Σ = S₀ + ε·λ_max·I for ε = 10⁻⁹, 10⁻¹⁰, 10⁻¹¹ (Ω fixed)
     * falls by more than {@link #DECADE_FALL} at each decade. Null when S₀ has no null eigenvalue or Σ's
     * structure cannot represent these matrices.
     */
    private Boolean fallsWithoutBound(double[][] target, double[] omegaTheta) {
        Spectral sp = Spectral.of(target);
        double top = sp.largest();
        if (!(top > 0) || !Double.isFinite(top)) {
            return null;
        }
        int zero = 0;
        while (zero < sp.values().length && sp.values()[zero] <= NEARLY_DEGENERATE * top) {
            zero++;
        }
        if (zero == 0) {
            return null;
        }
        double[][] limit = sp.withoutSmallest(zero);
        CovarianceStructure structure = model.residual();
        double previous = Double.NaN;
        for (int j = 0; j < 3; j++) {
            double eps = top * Math.pow(10, -9 - j);
            double[][] m = Matrices.copy(limit);
            for (int i = 0; i < m.length; i++) {
                m[i][i] += eps;
            }
            double[] sigmaTheta = structure.parameters(m);
            double[][] back = structure.matrix(sigmaTheta, t);
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < t; k++) {
                    if (Math.abs(back[i][k] - m[i][k]) > 1e-3 * eps) {
                        return null;
                    }
                }
            }
            double c = map.criterion(deviance.join(sigmaTheta, omegaTheta));
            if (!Double.isFinite(c)) {
                return null;
            }
            if (j > 0 && !(previous - c > DECADE_FALL)) {
                LOG.debug("Σ degenerates but the criterion stays bounded ({} -> {} over a decade)", previous, c);
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** The trend test of {@link #degenerationIsReal}, on the EM iterations of the trace. */
    private boolean trendConfirms() {
        int n = trace.size();
        if (n < TREND_STEPS + 1) {
            return false;
        }
        for (int k = n - TREND_STEPS; k < n; k++) {
            double fall = trace.get(k - 1).criterion() - trace.get(k).criterion();
            if (!(fall > TREND_FALL) || !(sigmaRatios.get(k) < sigmaRatios.get(k - 1))) {
                return false;
            }
        }
        return true;
    }

    /** Σ's smallest/largest eigenvalue ratio at θ. */
    private double sigmaRatio(double[] theta) {
        Spectral sp = Spectral.of(deviance.covariances(theta).sigma());
        return sp.smallest() / Math.max(sp.largest(), Double.MIN_NORMAL);
    }

    private FitResult finish(FitStatus status, String reason, double[] theta) {
        int iterations = iteration;
        if (!polishIterations.isEmpty() && status != FitStatus.UNBOUNDED) {
            String note = polishIterations.size() + " of the " + iterations + " iterations are projected Newton "
                    + "polishing steps after EM had slowed down or met its test, not EM (" + ranges(polishIterations) + ")";
            reason = reason.isEmpty() ? note : reason + "; " + note;
        }
        if ((boundarySteps > 0 || !polishIterations.isEmpty()) && q > 0 && status == FitStatus.CONVERGED) {
            Spectral sp = Spectral.of(deviance.covariances(theta).omega());
            if (sp.smallest() <= NULL_EIGENVALUE * omegaScale0) {
                warnings.add("EM stepped to the boundary: Ω's shrinking eigen-directions were set to zero"
                        + (polishIterations.isEmpty() ? "" : " (by the boundary step or Newton polishing)")
                        + ", where the deviance is lower (plain EM only creeps towards a boundary)");
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

    /** The iteration numbers as ranges: "iterations 12–14, 40". */
    private static String ranges(List<Integer> its) {
        StringBuilder sb = new StringBuilder(its.size() == 1 ? "iteration " : "iterations ");
        int k = 0;
        while (k < its.size()) {
            int a = its.get(k);
            int b = a;
            while (k + 1 < its.size() && its.get(k + 1) == b + 1) {
                b = its.get(++k);
            }
            k++;
            sb.append(a == b ? String.valueOf(a) : a + "–" + b).append(k < its.size() ? ", " : "");
        }
        return sb.toString();
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
