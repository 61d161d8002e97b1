package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link ScalarStructure}: σ² in [0.05, 20]. */
class ScalarStructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new ScalarStructure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        return StructureGenerators.variance().map(v -> new double[] {v});
    }
}
