package org.lmm4j.app;

import java.util.List;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.likelihood.FitAssembler;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;

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

    @Override
    public FitResult fit(MixedModel model, FitOptions options) {
        long start = System.nanoTime();
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        double[] theta = StartValues.moments(model);
        double c = deviance.criterion(theta);
        IterationRecord only = new IterationRecord(0, c, Double.NaN, 0, 1);
        options.progress().accept(only);
        OptimisationSummary s = new OptimisationSummary(NAME, FitStatus.NOT_CONVERGED,
                "the test-only estimator stops at the start values", theta, theta, 0, 1, System.nanoTime() - start,
                List.of(only), List.of(), "none");
        return FitAssembler.assemble(deviance, s);
    }
}
