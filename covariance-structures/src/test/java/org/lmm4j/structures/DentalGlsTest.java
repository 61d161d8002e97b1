package org.lmm4j.structures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dental;

/**
 * The structures' M-steps on the dental data: alternating β̂ = GLS at Σ(θ) (the shared
 * {@link ProfiledDeviance}) with θ = maximise(Σ_i r_i r_i', 27) reaches the ML minima of the gls-type
 * models {@code distance ~ Sex*age} with Σ over the four ages: Table 1's gender row (scalar 279.7510,
 * diagonal 278.5407, free 220.9863) and nlme's −2 log L for compound symmetry (428.6391) and AR(1) (440.6810).
 */
class DentalGlsTest {

    private static final double N_LOG_2PI = 108 * Math.log(2 * Math.PI);

    @Test
    void tableOneGenderRowWithoutRandomEffects() {
        assertEquals(279.7510, minimumDeviance(new ScalarStructure()), 1e-3);
        assertEquals(278.5407, minimumDeviance(new DiagonalStructure()), 1e-3);
        assertEquals(220.9863, minimumDeviance(new FreeStructure()), 1e-3);
    }

    @Test
    void compoundSymmetryAndAr1MatchNlmeGls() {
        assertEquals(428.6391, minimumDeviance(new CompoundSymmetryStructure()) + N_LOG_2PI, 1e-3);
        assertEquals(440.6810, minimumDeviance(new Ar1Structure()) + N_LOG_2PI, 1e-3);
    }

    /** Alternating GLS for β and the structure's M-step for θ until the ML deviance stops falling. */
    private static double minimumDeviance(CovarianceStructure structure) {
        ModelData data = Dental.compile("distance ~ Sex*age", new CompileOptions("age", "Subject")).data();
        ProfiledDeviance deviance = new ProfiledDeviance(new MixedModel(data, structure, null, Method.ML));
        int t = data.occasions();
        int p = data.p();
        double[] theta = structure.start(identity(t));
        double previous = Double.POSITIVE_INFINITY;
        for (int iteration = 0; iteration < 2000; iteration++) {
            double[] beta = deviance.profile(theta).beta();
            double[][] scatter = new double[t][t];
            for (Group g : data.groups()) {
                double[] r = new double[g.size()];
                for (int i = 0; i < g.size(); i++) {
                    r[i] = g.y()[i];
                    for (int k = 0; k < p; k++) {
                        r[i] -= g.x(i, k, p) * beta[k];
                    }
                }
                for (int i = 0; i < g.size(); i++) {
                    for (int j = 0; j < g.size(); j++) {
                        scatter[g.occasion()[i]][g.occasion()[j]] += r[i] * r[j];
                    }
                }
            }
            theta = structure.maximise(scatter, data.groupCount());
            double current = deviance.criterion(theta);
            if (previous - current < 1e-10) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static double[][] identity(int t) {
        return org.lmm4j.linalg.Matrices.identity(t);
    }
}
