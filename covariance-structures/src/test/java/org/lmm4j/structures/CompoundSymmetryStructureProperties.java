package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link CompoundSymmetryStructure}: variance v and a common correlation in (−1/(d−1), 1). */
class CompoundSymmetryStructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new CompoundSymmetryStructure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        if (dimension == 1) {
            return StructureGenerators.variance().map(v -> new double[] {v});
        }
        double lowest = -1.0 / (dimension - 1) + 0.02;
        return Combinators.combine(StructureGenerators.variance(), StructureGenerators.correlation(lowest, 0.98))
                .as((v, r) -> new double[] {v, r * v});
    }
}
