package org.lmm4j.structures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.testkit.StructureGenerators;

/** The AR(1) M-step is the global maximum over ρ: no point of a fine grid of (−1, 1) does better. */
class Ar1MaximiserTest {

    private final Ar1Structure ar1 = new Ar1Structure();

    @Property(tries = 100)
    void cubicRootBeatsEveryGridPointOfRho(@ForAll @IntRange(min = 2, max = 6) int dimension,
            @ForAll @IntRange(min = 0, max = 10) int extra, @ForAll long seed) {
        int n = dimension + 1 + extra;
        double[][] scatter = StructureGenerators.scatter(dimension, n, seed);
        double[] best = ar1.maximise(scatter, n);
        double fBest = StructureMath.objective(ar1.matrix(best, dimension), scatter, n);
        for (int g = -999; g <= 999; g++) {
            double rho = g / 1000.0;
            double[][] r = ar1.matrix(new double[] {1, rho}, dimension);
            double sigma2 = traceOfInverseTimes(r, scatter) / (n * dimension);
            double f = StructureMath.objective(ar1.matrix(new double[] {sigma2, rho}, dimension), scatter, n);
            assertTrue(f <= fBest + 1e-10 * (1 + Math.abs(fBest)), "rho = " + rho + " beats the maximiser");
        }
    }

    private static double traceOfInverseTimes(double[][] r, double[][] c) {
        double[][] inv = org.lmm4j.linalg.Matrices.inverseSpd(r);
        double t = 0;
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r.length; j++) {
                t += inv[i][j] * c[j][i];
            }
        }
        return t;
    }
}
