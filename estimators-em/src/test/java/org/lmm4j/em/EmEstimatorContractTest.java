package org.lmm4j.em;

import org.lmm4j.api.Estimator;
import org.lmm4j.testkit.EstimatorContract;

/** The estimator contract of the test kit (docs/DESIGN.md §4) run against {@link EmEstimator}. */
class EmEstimatorContractTest extends EstimatorContract {
    @Override
    protected Estimator estimator() {
        return new EmEstimator();
    }
}
