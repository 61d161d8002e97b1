package org.lmm4j.alternating;

import org.lmm4j.api.Estimator;
import org.lmm4j.testkit.EstimatorContract;

/** The estimator contract of the test kit (docs/DESIGN.md §4) run against {@link AlternatingEstimator}. */
class AlternatingEstimatorContractTest extends EstimatorContract {
    @Override
    protected Estimator estimator() {
        return new AlternatingEstimator();
    }
}
