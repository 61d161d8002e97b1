package org.lmm4j.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.MixedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several estimators fitted to the same model, and how far apart their answers are: the largest
 * absolute difference in deviance and in any coefficient of β̂ among the estimators that converged.
 *
 * @param model  the model every estimator fitted
 * @param rows   one row per estimator, in the order given
 */
public record EstimatorComparison(MixedModel model, List<Row> rows) {

    private static final Logger LOG = LoggerFactory.getLogger(EstimatorComparison.class);

    public EstimatorComparison {
        rows = List.copyOf(rows);
    }

    /**
     * One estimator's run.
     *
     * @param estimator  its name
     * @param result     its fit, or null when it threw instead of reporting a status
     * @param failure    the exception's message when it threw, else null
     * @param wallMillis wall time of the call, measured here
     */
    public record Row(String estimator, FitResult result, String failure, double wallMillis) {

        /** The fit's status; FAILED when the estimator threw. */
        public FitStatus status() {
            return result == null ? FitStatus.FAILED : result.status();
        }

        /** The fit's one-line reason, or the exception's message. */
        public String reason() {
            return result == null ? failure : result.reason();
        }
    }

    /** Runs every estimator on {@code model} with the same options, one after the other. */
    public static EstimatorComparison run(MixedModel model, Collection<Estimator> estimators, FitOptions options) {
        List<Row> rows = new ArrayList<>();
        for (Estimator e : estimators) {
            long start = System.nanoTime();
            FitResult r = null;
            String failure = null;
            try {
                r = e.fit(model, options);
            } catch (RuntimeException ex) {
                LOG.debug("estimator {} threw", e.name(), ex);
                failure = "the estimator threw " + ex.getClass().getSimpleName()
                        + (ex.getMessage() == null ? "" : ": " + ex.getMessage().replaceAll("\\s+", " "));
            }
            rows.add(new Row(e.name(), r, failure, (System.nanoTime() - start) / 1e6));
        }
        return new EstimatorComparison(model, rows);
    }

    /** The rows whose estimator converged. */
    public List<Row> converged() {
        return rows.stream().filter(r -> r.status() == FitStatus.CONVERGED).toList();
    }

    /** max − min of the deviance over the converged estimators; NaN with fewer than two. */
    public double maxDevianceDifference() {
        List<Row> c = converged();
        if (c.size() < 2) {
            return Double.NaN;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Row r : c) {
            lo = Math.min(lo, r.result().criterion());
            hi = Math.max(hi, r.result().criterion());
        }
        return hi - lo;
    }

    /** The largest max − min over the coefficients of β̂ among the converged estimators; NaN with fewer than two. */
    public double maxBetaDifference() {
        List<Row> c = converged();
        if (c.size() < 2) {
            return Double.NaN;
        }
        int p = c.get(0).result().fixedEffects().length;
        double worst = 0;
        for (int k = 0; k < p; k++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Row r : c) {
                double b = r.result().fixedEffects()[k];
                lo = Math.min(lo, b);
                hi = Math.max(hi, b);
            }
            worst = Math.max(worst, hi - lo);
        }
        return worst;
    }
}
