package org.lmm4j.structures;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.CovarianceStructureContract;
import org.lmm4j.testkit.StructureGenerators;

/** The structure contract for {@link Ar1Structure}: σ² and ρ in [−0.95, 0.95]. */
class Ar1StructureProperties extends CovarianceStructureContract {

    @Override
    protected CovarianceStructure structure() {
        return new Ar1Structure();
    }

    @Override
    protected Arbitrary<double[]> admissibleParameters(int dimension) {
        if (dimension == 1) {
            return StructureGenerators.variance().map(v -> new double[] {v});
        }
        return Combinators.combine(StructureGenerators.variance(), StructureGenerators.correlation(-0.95, 0.95))
                .as((v, rho) -> new double[] {v, rho});
    }
}
