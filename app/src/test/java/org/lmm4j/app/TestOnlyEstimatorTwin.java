package org.lmm4j.app;

import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.likelihood.ProfiledDeviance;

/** A second plug-in claiming the name of {@link TestOnlyEstimator}, to check that duplicates are refused. */
public final class TestOnlyEstimatorTwin implements Estimator {

    @Override
    public String name() {
        return TestOnlyEstimator.NAME;
    }

    @Override
    public String description() {
        return "a duplicate name";
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance criterion, double[] start, FitOptions options) {
        throw new UnsupportedOperationException("never fitted: discovery must refuse it first");
    }
}
