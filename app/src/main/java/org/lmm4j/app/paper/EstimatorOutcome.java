package org.lmm4j.app.paper;

import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;

/**
 * What one estimator made of one cell of Table 1: its status, its minimum deviance Δ (−∞ when it
 * found the likelihood unbounded) and the full result, or only a reason when the fit threw.
 *
 * @param estimator  the estimator's name
 * @param status     how the fit ended
 * @param deviance   the paper's Δ at the fit (−∞ for UNBOUNDED, NaN when there is no fit)
 * @param reason     the estimator's one-line reason (empty when it converged)
 * @param fit        the result, or null when the estimator threw
 */
public record EstimatorOutcome(String estimator, FitStatus status, double deviance, String reason, FitResult fit) {

    public EstimatorOutcome {
        reason = reason == null ? "" : reason;
    }

    /** The outcome of a completed fit. */
    public static EstimatorOutcome of(FitResult fit) {
        return new EstimatorOutcome(fit.estimator(), fit.status(), fit.criterion(), fit.reason(), fit);
    }

    /** The outcome of a fit that threw instead of reporting a status. */
    public static EstimatorOutcome failed(String estimator, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new EstimatorOutcome(estimator, FitStatus.FAILED, Double.NaN, message, null);
    }

    /** True when the fit produced a finite minimum (converged, or stopped at its best point). */
    public boolean finite() {
        return (status == FitStatus.CONVERGED || status == FitStatus.NOT_CONVERGED) && Double.isFinite(deviance);
    }
}
