package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link FreeStructure}: the lower triangle of a random positive definite matrix. */
class FreeStructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new FreeStructure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        return StructureGenerators.positiveDefinite(dimension).map(structure()::parameters);
    }
}
