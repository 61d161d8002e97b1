package org.lmm4j.optimise;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.EstimatorFailure;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.Finish;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.CentredRandomEffects;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host of every estimator (docs/DESIGN.md, "Estimators"; lme4's {@code optimizeLmer}): builds the criterion once,
 * runs the estimator's algorithm from each start value (multi-start where the likelihood may have several minima,
 * keeping the best converged run), runs the shared finishing step when asked (Newton–Raphson on the profiled
 * criterion from the estimator's final point, labelled {@value #FINISH_PHASE} in the trace and counted apart),
 * reports a plug-in's exception as an {@link EstimatorFailure} and assembles the {@link FitResult}.
 */
public final class Fitting {

    /** The phase label of the finishing step's iterations in the trace. */
    public static final String FINISH_PHASE = "newton-finish";

    private static final Logger LOG = LoggerFactory.getLogger(Fitting.class);

    private Fitting() {
    }

    /**
     * Fits the model with the estimator; a random-effects design that needs centring ({@link CentredRandomEffects}) is
     * fitted centred and the result mapped back.
     */
    public static FitResult fit(Estimator estimator, MixedModel model, FitOptions options) {
        return fitted(estimator, model, options).result();
    }

    /**
     * A fit and the criterion it minimised, for what is computed at θ̂ afterwards (Satterthwaite's degrees of
     * freedom) without building the criterion again.
     *
     * @param result     the fit, as {@link #fit(Estimator, MixedModel, FitOptions)} returns it
     * @param criterion  the model's criterion, or null when the model was fitted centred ({@link CentredRandomEffects}):
     *                   the criterion minimised then is the centred model's, not the model's
     */
    public record Fitted(FitResult result, ProfiledDeviance criterion) {
    }

    /** {@link #fit(Estimator, MixedModel, FitOptions)}, keeping the criterion. */
    public static Fitted fitted(Estimator estimator, MixedModel model, FitOptions options) {
        CentredRandomEffects centring = CentredRandomEffects.of(model);
        if (centring != null) {
            LOG.debug("{}: fitting with the random-effects columns centred", estimator.name());
            MixedModel centred = centring.centred(model);
            long started = System.nanoTime();
            FitResult r = fit(estimator, criterion(estimator, centred), options, started);
            return new Fitted(centring.mapBack(r, model), null);
        }
        long started = System.nanoTime(); // the fit's time includes building the criterion
        ProfiledDeviance criterion = criterion(estimator, model);
        return new Fitted(fit(estimator, criterion, options, started), criterion);
    }

    private static ProfiledDeviance criterion(Estimator estimator, MixedModel model) {
        if (model.crossed() != null && !estimator.fitsCrossedTerms()) {
            throw new org.lmm4j.api.InputException("the " + estimator.name() + " estimator does not yet fit crossed "
                    + "random terms this large (" + model.crossed().levelCounts() + " levels, too many random effects "
                    + "for the one-group path); use --estimator newton");
        }
        return new ProfiledDeviance(model);
    }

    /**
     * Fits on a criterion built elsewhere (a model whose groups live on a cluster, docs/DESIGN.md §6): the same
     * starts, estimator run, finish and assembly as {@link #fit(Estimator, MixedModel, FitOptions)}; the caller
     * applies any centring of the random-effects design itself.
     */
    public static FitResult fit(Estimator estimator, ProfiledDeviance deviance, FitOptions options) {
        return fit(estimator, deviance, options, System.nanoTime());
    }

    private static FitResult fit(Estimator estimator, ProfiledDeviance deviance, FitOptions options, long started) {
        MixedModel model = deviance.model();
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: settings {}", estimator.name(), options.asMap());
        }
        double[] ols = deviance.leastSquares();
        if (deviance.fixedEffectsAliased()) {
            double[] start = StartValues.moments(model, ols);
            Outcome failed = new Outcome(start, EstimatorRun.failed("the fixed-effects design X is rank deficient "
                    + "over the rows used (a column is a combination of the others): β is not identified", start), null);
            return FitAssembler.assemble(deviance, summary(estimator, failed, 1, 0, System.nanoTime() - started,
                    options));
        }
        List<double[]> starts = options.control().multiStart() ? StartValues.candidates(model, ols)
                : List.of(StartValues.moments(model, ols));
        Outcome best = null;
        long evaluations = 0;
        Boundary boundary = new Boundary(deviance, options.control());
        for (double[] candidate : starts) {
            double[] start = admissibleStart(deviance, boundary, candidate, options);
            Outcome o = runFrom(estimator, deviance, start, options);
            evaluations += o.own.evaluations() + (o.finish == null ? 0 : o.finish.evaluations());
            if (best == null || better(o, best, deviance)) {
                best = o;
            }
        }
        return FitAssembler.assemble(deviance, summary(estimator, best, starts.size(), evaluations,
                System.nanoTime() - started, options));
    }

    /**
     * The start itself when the criterion is finite there, else its ridged repair ({@link Boundary#ridged}) when that
     * is, else the start as it is (the estimator then reports FAILED). Every estimator starts from the same point.
     */
    private static double[] admissibleStart(ProfiledDeviance deviance, Boundary boundary, double[] start,
                                            FitOptions options) {
        if (deviance.isAdmissible(start, options.constrainPsd()) && Double.isFinite(deviance.criterion(start))) {
            return start;
        }
        double[] repaired = boundary.ridged(start);
        if (repaired != null) {
            LOG.debug("start values inadmissible; starting from the ridged {}", java.util.Arrays.toString(repaired));
            return repaired;
        }
        return start;
    }

    /** One start: the estimator's own run, then the finish if asked and useful. */
    private static Outcome runFrom(Estimator estimator, ProfiledDeviance deviance, double[] start, FitOptions options) {
        EstimatorRun own;
        try {
            own = estimator.minimise(deviance, start.clone(),
                    options.withProgress(r -> options.progress().accept(r.relabel(estimator.name(), r.iteration(), 0))));
        } catch (RuntimeException e) {
            throw new EstimatorFailure(estimator.name(), e);
        }
        if (own == null) {
            throw new EstimatorFailure(estimator.name(), new IllegalStateException("minimise returned null"));
        }
        EstimatorRun finish = null;
        if (options.finish() == Finish.NEWTON && estimator.wantsFinish() && own.status() != FitStatus.FAILED
                && own.status() != FitStatus.UNBOUNDED) {
            int before = own.iterations();
            long evaluationsBefore = own.evaluations();
            finish = new ProfiledNewton(deviance, options.withProgress(r -> options.progress().accept(
                    r.relabel(FINISH_PHASE, before + r.iteration(), evaluationsBefore)))).minimise(own.theta());
            LOG.debug("{}: finishing Newton steps from the estimator's point: {} after {} iterations", estimator.name(),
                    finish.status(), finish.iterations());
        }
        return new Outcome(start, own, finish);
    }

    /** The estimator's run and its finish (null without one) from one start. */
    private record Outcome(double[] start, EstimatorRun own, EstimatorRun finish) {

        /**
         * The run that decides the result: the finish when it converged or found the likelihood unbounded, or when
         * the estimator had not converged and the finish did not fail; otherwise the estimator's own run.
         */
        EstimatorRun decisive() {
            if (finish == null) {
                return own;
            }
            boolean finishDecides = finish.status() == FitStatus.CONVERGED || finish.status() == FitStatus.UNBOUNDED
                    || own.status() != FitStatus.CONVERGED && finish.status() != FitStatus.FAILED;
            return finishDecides ? finish : own;
        }
    }

    /** A run ranks above another when it converged and the other did not, or both did and it is lower. */
    private static boolean better(Outcome a, Outcome b, ProfiledDeviance deviance) {
        boolean ca = a.decisive().status() == FitStatus.CONVERGED;
        boolean cb = b.decisive().status() == FitStatus.CONVERGED;
        if (ca != cb) {
            return ca;
        }
        if (!ca) {
            return false;
        }
        return deviance.criterion(a.decisive().theta()) < deviance.criterion(b.decisive().theta()) - 1e-9;
    }

    private static OptimisationSummary summary(Estimator estimator, Outcome o, int starts, long evaluations,
                                               long elapsed, FitOptions options) {
        EstimatorRun decisive = o.decisive();
        List<IterationRecord> trace = new ArrayList<>();
        for (IterationRecord r : o.own.trace()) {
            trace.add(r.relabel(estimator.name(), r.iteration(), 0));
        }
        List<String> warnings = new ArrayList<>(decisive.warnings());
        int finishIterations = 0;
        String reason = decisive.reason();
        if (o.finish != null) {
            finishIterations = o.finish.iterations();
            int n = o.own.iterations();
            for (IterationRecord r : o.finish.trace()) {
                trace.add(r.relabel(FINISH_PHASE, n + r.iteration(), o.own.evaluations()));
            }
            if (decisive == o.own && !o.own.reason().isEmpty()) {
                reason = o.own.reason();
            }
            if (decisive == o.finish && o.own.status() != FitStatus.CONVERGED && !o.own.reason().isEmpty()) {
                reason = reason.isEmpty() ? "finished by Newton steps after " + estimator.name() + " stopped: "
                        + o.own.reason() : reason;
            }
        }
        if (starts > 1) {
            LOG.debug("{}: {} starts, the best run kept", estimator.name(), starts);
        }
        return new OptimisationSummary(estimator.name(), decisive.status(), reason, o.start, decisive.theta(),
                o.own.iterations(), finishIterations, evaluations, elapsed, trace, warnings, starts, options);
    }
}
