package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link ToeplitzStructure}: autocovariances of a positive spectral measure. */
class ToeplitzStructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new ToeplitzStructure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        return StructureGenerators.toeplitzSequence(dimension);
    }
}
