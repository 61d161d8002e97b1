package org.lmm4j.inference;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;

/** The covariance-structure contract for Ω on the standard-deviation scale, 2×2, with the first standard deviation held. */
class HeldStandardDeviationProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return StandardDeviationScale.of(2, true).holding(0, 1.5);
    }

    @Override
    protected int minDimension() {
        return 2;
    }

    @Override
    protected int maxDimension() {
        return 2;
    }

    /** log s_2 in [−2, 2], atanh ρ in [−1.4, 1.4]. */
    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        return Combinators.combine(Arbitraries.doubles().between(-2, 2), Arbitraries.doubles().between(-1.4, 1.4))
                .as((s, r) -> new double[] {s, r});
    }
}
