package org.lmm4j.app;

import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * An estimator that exists only in the test class path (registered in the test resources'
 * META-INF/services), to prove that a plug-in is discovered with no other change. It honestly does
 * nothing but evaluate the deviance at the shared start values, and says it did not converge.
 */
public final class TestOnlyEstimator implements Estimator {

    /** The plug-in's command-line name. */
    public static final String NAME = "test-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test plug-in: evaluates the deviance at the start values and stops (never converges)";
    }

    /** Stops where it starts: the host's finish would otherwise converge for it. */
    @Override
    public boolean wantsFinish() {
        return false;
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance deviance, double[] start, FitOptions options) {
        double c = deviance.criterion(start);
        IterationRecord only = new IterationRecord(0, c, Double.NaN, 0, 1);
        options.progress().accept(only);
        return new EstimatorRun(FitStatus.NOT_CONVERGED, "the test-only estimator stops at the start values", start, 0,
                1, List.of(only), List.of());
    }
}
