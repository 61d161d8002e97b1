package org.lmm4j.inference;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;

/**
 * The covariance-structure contract (S(θ) positive definite, analytic first and second derivatives against central
 * differences, round trip, M-step maximiser) for Ω on the standard-deviation scale, 3×3, with a correlation held.
 */
class StandardDeviationScaleProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return StandardDeviationScale.of(3, true).holding(4, 0.2);
    }

    @Override
    protected int minDimension() {
        return 3;
    }

    @Override
    protected int maxDimension() {
        return 3;
    }

    /** log s_1..s_3 in [−1, 1], then atanh ρ_21 and atanh ρ_32 in [−0.4, 0.4] (ρ_31 = 0.2 held): R stays positive definite. */
    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        Arbitrary<Double> logSd = Arbitraries.doubles().between(-1, 1);
        Arbitrary<Double> rho = Arbitraries.doubles().between(-0.4, 0.4);
        return Combinators.combine(logSd, logSd, logSd, rho, rho).as((a, b, c, r1, r2) -> new double[] {a, b, c, r1, r2});
    }
}
