package org.lmm4j.structures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.testkit.StructureGenerators;

/**
 * The generic damped Newton M-step agrees with the closed forms (scalar, diagonal, free, cs) and the
 * AR(1) cubic, so it can be trusted where no closed form exists; and it never ends below its start.
 */
class ScatterNewtonProperties {

    @Provide
    Arbitrary<CovarianceStructure> closedForms() {
        return Arbitraries.of(List.of(new ScalarStructure(), new DiagonalStructure(), new FreeStructure(),
                new CompoundSymmetryStructure(), new Ar1Structure()));
    }

    @Property(tries = 100)
    void newtonReachesTheClosedFormMaximum(@ForAll("closedForms") CovarianceStructure structure,
            @ForAll @IntRange(min = 1, max = 6) int dimension, @ForAll @IntRange(min = 0, max = 12) int extra,
            @ForAll long seed) {
        int n = dimension + 1 + extra;
        double[][] scatter = StructureGenerators.scatter(dimension, n, seed);
        double[] closed = structure.maximise(scatter, n);
        double[] start = diagonalStart(structure, dimension, scatter, n);
        double[] newton = ScatterNewton.maximise(structure, start, scatter, n);
        double fClosed = StructureMath.objective(structure.matrix(closed, dimension), scatter, n);
        double fNewton = StructureMath.objective(structure.matrix(newton, dimension), scatter, n);
        double fStart = StructureMath.objective(structure.matrix(start, dimension), scatter, n);
        assertTrue(fNewton >= fStart, "Newton fell below its start");
        assertTrue(Math.abs(fNewton - fClosed) <= 1e-8 * (1 + Math.abs(fClosed)),
                structure.name() + ": Newton " + fNewton + " vs closed form " + fClosed);
    }

    /** An admissible but poor start: the structure fitted to the diagonal of C alone. */
    private static double[] diagonalStart(CovarianceStructure structure, int d, double[][] scatter, double n) {
        double[][] diagonal = new double[d][d];
        for (int i = 0; i < d; i++) {
            diagonal[i][i] = scatter[i][i] / n;
        }
        return structure.start(diagonal);
    }
}
