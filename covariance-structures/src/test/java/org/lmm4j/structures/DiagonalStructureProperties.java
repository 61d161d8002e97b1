package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link DiagonalStructure}: d variances in [0.05, 20]. */
class DiagonalStructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new DiagonalStructure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        return StructureGenerators.variances(dimension);
    }
}
