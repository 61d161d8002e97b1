package org.lmm4j.app.paper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;

/**
 * One cell of the paper's Table 1: the minimum deviance Δ (ML, constant dropped) of one mean model
 * under one dispersion model, its number of free parameters, and what every estimator found.
 *
 * <p>The cell's value is the lowest deviance any estimator reached; it is −∞ when an estimator
 * found the likelihood unbounded below, and for a model whose random effects are confounded with its
 * fixed effects (the random/free cell, see {@link #confounded()}), where in the paper's reading Ω need
 * only keep V positive definite. The estimators agree when their minima differ by at most
 * {@value #AGREEMENT_TOLERANCE}, or when they all report an unbounded likelihood.
 *
 * @param mean                the column
 * @param sigma               the row
 * @param formula             the model formula fitted
 * @param parameters          fixed effects plus covariance parameters (the number in brackets)
 * @param status              the cell's status in the paper's reading (UNBOUNDED for −∞)
 * @param deviance            the cell's Δ (−∞ when unbounded, NaN when every fit failed)
 * @param outcomes            one outcome per estimator (with Ω positive semi-definite)
 * @param agree               whether the estimators agree
 * @param disagreement        what they found when they do not agree (empty otherwise)
 * @param confounded          the random effects lie in the span of the fixed effects, so Ω is not identified
 * @param constrainedDeviance for a confounded cell, the minimum under a positive semi-definite Ω (NaN otherwise)
 * @param unconstrained       for a confounded cell, the outcomes of fits with Ω only required to keep V positive definite
 * @param reference           the fit whose estimates the analysis reports (lowest deviance), or null
 */
public record Table1Cell(PaperMean mean, PaperSigma sigma, String formula, int parameters, FitStatus status,
                         double deviance, List<EstimatorOutcome> outcomes, boolean agree, String disagreement,
                         boolean confounded, double constrainedDeviance, List<EstimatorOutcome> unconstrained,
                         FitResult reference) {

    /** Largest difference between two estimators' minimum deviances that still counts as agreement. */
    public static final double AGREEMENT_TOLERANCE = 1e-3;

    public Table1Cell {
        outcomes = List.copyOf(outcomes);
        unconstrained = List.copyOf(unconstrained);
    }

    /**
     * Combines the estimators' outcomes for one cell.
     *
     * @param confounded     {@link org.lmm4j.likelihood.Diagnostics#randomEffectsConfounded} for the cell's model
     * @param unconstrained  outcomes of fits without the positive semi-definite constraint on Ω (may be empty)
     */
    public static Table1Cell of(PaperMean mean, PaperSigma sigma, String formula, int parameters,
                                List<EstimatorOutcome> outcomes, boolean confounded,
                                List<EstimatorOutcome> unconstrained) {
        EstimatorOutcome best = best(outcomes);
        boolean anyUnbounded = outcomes.stream().anyMatch(o -> o.status() == FitStatus.UNBOUNDED);
        boolean agree = agree(outcomes);
        String disagreement = agree ? "" : describe(outcomes);
        if (confounded) {
            return new Table1Cell(mean, sigma, formula, parameters, FitStatus.UNBOUNDED, Double.NEGATIVE_INFINITY,
                    outcomes, agree, disagreement, true, best == null ? Double.NaN : best.deviance(), unconstrained,
                    best == null ? null : best.fit());
        }
        if (anyUnbounded) {
            return new Table1Cell(mean, sigma, formula, parameters, FitStatus.UNBOUNDED, Double.NEGATIVE_INFINITY,
                    outcomes, agree, disagreement, false, Double.NaN, unconstrained, null);
        }
        if (best == null) {
            return new Table1Cell(mean, sigma, formula, parameters, FitStatus.FAILED, Double.NaN, outcomes, agree,
                    disagreement, false, Double.NaN, unconstrained, null);
        }
        return new Table1Cell(mean, sigma, formula, parameters, best.status(), best.deviance(), outcomes, agree,
                disagreement, false, Double.NaN, unconstrained, best.fit());
    }

    /** The lowest finite minimum among converged fits, else among fits stopped at their best point; null if none. */
    static EstimatorOutcome best(List<EstimatorOutcome> outcomes) {
        EstimatorOutcome best = null;
        for (EstimatorOutcome o : outcomes) {
            if (o.finite() && o.fit() != null && (best == null || better(o, best))) {
                best = o;
            }
        }
        return best;
    }

    private static boolean better(EstimatorOutcome a, EstimatorOutcome b) {
        boolean ac = a.status() == FitStatus.CONVERGED;
        boolean bc = b.status() == FitStatus.CONVERGED;
        if (ac != bc) {
            return ac;
        }
        return a.deviance() < b.deviance();
    }

    /** All unbounded, or all finite within {@link #AGREEMENT_TOLERANCE}. */
    static boolean agree(List<EstimatorOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return false;
        }
        if (outcomes.stream().allMatch(o -> o.status() == FitStatus.UNBOUNDED)) {
            return true;
        }
        if (!outcomes.stream().allMatch(EstimatorOutcome::finite)) {
            return false;
        }
        return spread(outcomes) <= AGREEMENT_TOLERANCE;
    }

    /** Largest minus smallest finite deviance. */
    static double spread(List<EstimatorOutcome> outcomes) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (EstimatorOutcome o : outcomes) {
            if (o.finite()) {
                lo = Math.min(lo, o.deviance());
                hi = Math.max(hi, o.deviance());
            }
        }
        return hi >= lo ? hi - lo : 0;
    }

    private static String describe(List<EstimatorOutcome> outcomes) {
        List<String> parts = new ArrayList<>();
        for (EstimatorOutcome o : outcomes) {
            String value = o.status() == FitStatus.UNBOUNDED ? "−∞" : formatDeviance(o.deviance());
            parts.add(o.estimator() + " " + value + " (" + o.status() + ")");
        }
        String text = String.join(", ", parts);
        if (outcomes.stream().filter(EstimatorOutcome::finite).count() > 1) {
            text += String.format(Locale.ROOT, "; finite minima differ by %.3g", spread(outcomes));
        }
        return text;
    }

    /** True when the cell shows −∞. */
    public boolean unbounded() {
        return status == FitStatus.UNBOUNDED;
    }

    /** The cell as the paper prints it, with two decimals: "307.09 (3)" or "−∞ (58)". */
    public String display() {
        return formatDeviance(deviance) + " (" + parameters + ")";
    }

    /** A deviance with two decimals, "−∞" for minus infinity and "n/a" when there is none. */
    public static String formatDeviance(double d) {
        if (d == Double.NEGATIVE_INFINITY) {
            return "−∞";
        }
        if (Double.isNaN(d)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f", d);
    }
}
