package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.testkit.Dental;

/**
 * Jennrich–Schluchter: the dental data with 20 random observations removed, {@code distance ~ Sex*age} with a
 * free Σ over the four ages; the unobserved occasions are missing data. EM must stop at the minimum of the
 * profiled deviance: the gradient vanishes there and a long plain-EM run agrees with the accelerated one.
 */
class MissingOccasionsTest {

    /** The dental table without 20 rows chosen with a fixed seed. */
    static DataTable dentalWithoutTwentyRows() {
        DataTable full = Dental.table();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < full.rows(); i++) {
            rows.add(i);
        }
        java.util.Collections.shuffle(rows, new Random(20240611L));
        List<Integer> kept = new ArrayList<>(rows.subList(20, rows.size()));
        java.util.Collections.sort(kept);
        List<String[]> columns = new ArrayList<>();
        for (String[] c : full.columns()) {
            String[] out = new String[kept.size()];
            for (int k = 0; k < kept.size(); k++) {
                out[k] = c[kept.get(k)];
            }
            columns.add(out);
        }
        return new DataTable(full.source(), full.names(), columns);
    }

    static MixedModel model(String sigma, Method method) {
        var compiled = ModelCompiler.compile(dentalWithoutTwentyRows(), Models.GENDER, new CompileOptions("age", "Subject"));
        return Models.model(compiled.data(), sigma, null, method);
    }

    @Test
    void emStopsAtTheMinimumOfTheDevianceWithMissingOccasions() {
        MixedModel model = model("free", Method.ML);
        assertEquals(88, model.data().observations());
        FitResult fast = new EmEstimator().fit(model, FitOptions.defaults());
        FitResult slow = new EmEstimator().fit(model,
                FitOptions.defaults().withAccelerate(false).withTolerance(1e-14).withMaxIterations(20000));
        assertEquals(FitStatus.CONVERGED, fast.status(), fast.reason());
        assertEquals(slow.criterion(), fast.criterion(), 1e-6);
        assertArrayEquals(slow.fixedEffects(), fast.fixedEffects(), 1e-5);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(slow.sigma()[i], fast.sigma()[i], 1e-4);
        }
        ProfiledDeviance dev = new ProfiledDeviance(model);
        Gradient g = dev.gradient(fast.theta());
        assertTrue(g.norm() < 1e-4, "gradient norm at the EM optimum " + g.norm());
        // no admissible neighbour along the coordinate axes is lower
        double[] theta = fast.theta();
        for (int k = 0; k < theta.length; k++) {
            for (double h : new double[] {-1e-3, 1e-3}) {
                double[] t = theta.clone();
                t[k] += h;
                assertTrue(dev.criterion(t) >= fast.criterion() - 1e-9, "lower at coordinate " + k);
            }
        }
    }

    @Test
    void remlWithMissingOccasionsStopsAtAStationaryPoint() {
        MixedModel model = model("free", Method.REML);
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertTrue(new ProfiledDeviance(model).gradient(r.theta()).norm() < 1e-4);
    }

    @Test
    void structuresWithNumericalMaximisersTakeGeneralisedSteps() {
        for (String sigma : new String[] {"cs", "ar1", "toeplitz", "diagonal"}) {
            MixedModel model = model(sigma, Method.ML);
            for (boolean accelerate : new boolean[] {false, true}) {
                FitResult r = new EmEstimator().fit(model,
                        FitOptions.defaults().withAccelerate(accelerate).withMaxIterations(5000));
                assertEquals(FitStatus.CONVERGED, r.status(), sigma + ": " + r.reason());
                double gradient = new ProfiledDeviance(model).gradient(r.theta()).norm();
                assertTrue(gradient < 1e-3, sigma + " gradient " + gradient);
                assertMonotone(r);
            }
        }
    }

    static void assertMonotone(FitResult r) {
        for (int k = 1; k < r.trace().size(); k++) {
            double before = r.trace().get(k - 1).criterion();
            double after = r.trace().get(k).criterion();
            assertTrue(after <= before + 1e-9 * Math.max(1, Math.abs(before)),
                    "criterion rose at iteration " + (k + 1) + ": " + before + " -> " + after);
        }
    }
}
