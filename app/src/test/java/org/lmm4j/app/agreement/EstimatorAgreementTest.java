package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dental;
import org.lmm4j.testkit.Discovered;
import org.junit.jupiter.api.Test;

/**
 * The three estimators of the paper (Newton–Raphson, EM, alternating minimisation) reach the same minimum on the
 * dental models (issues 4–6): the mixed gender model, and the gender/free-Σ model with occasions missing at random.
 */
class EstimatorAgreementTest {

    private static final List<String> ESTIMATORS = List.of("newton", "em", "alternating");

    @Test
    void threeEstimatorsAgreeOnTheMixedGenderModel() {
        MixedModel model = Dental.model(Dental.GENDER + Dental.RANDOM, "scalar", Method.ML);
        List<FitResult> fits = fitAll(model);
        FitResult newton = fits.get(0);
        for (FitResult f : fits) {
            assertEquals(FitStatus.CONVERGED, f.status(), f.estimator());
            assertEquals(newton.criterion(), f.criterion(), 1e-4, f.estimator() + " deviance");
            assertArrayEquals(newton.fixedEffects(), f.fixedEffects(), 1e-4, f.estimator() + " β");
            assertEquals(newton.sigma()[0][0], f.sigma()[0][0], 1e-4, f.estimator() + " σ²");
            for (int a = 0; a < 2; a++) {
                assertArrayEquals(newton.omega()[a], f.omega()[a], 1e-4, f.estimator() + " Ω");
            }
        }
    }

    @Test
    void threeEstimatorsAgreeWithTwentyObservationsMissing() {
        ModelData full = Dental.compile(Dental.GENDER, new CompileOptions("age", "Subject")).data();
        ModelData thinned = dropRandomRows(full, 20, new SplittableRandom(20041964));
        assertEquals(88, thinned.observations());
        MixedModel model = Dental.model(thinned, Dental.GENDER, "free", Method.ML);
        List<FitResult> fits = fitAll(model);
        for (FitResult f : fits) {
            assertEquals(FitStatus.CONVERGED, f.status(), f.estimator());
            assertEquals(fits.get(0).criterion(), f.criterion(), 1e-4, f.estimator() + " deviance");
        }
    }

    @Test
    void threeEstimatorsAgreeUnderRemlOnUnbalancedData() {
        ModelData full = Dental.compile(Dental.GENDER + Dental.RANDOM, new CompileOptions("age", "Subject")).data();
        ModelData thinned = dropRandomRows(full, 15, new SplittableRandom(7));
        MixedModel model = Dental.model(thinned, Dental.GENDER + Dental.RANDOM, "scalar", Method.REML);
        List<FitResult> fits = fitAll(model);
        for (FitResult f : fits) {
            assertEquals(FitStatus.CONVERGED, f.status(), f.estimator());
            assertEquals(fits.get(0).criterion(), f.criterion(), 1e-4, f.estimator() + " REML criterion");
        }
    }

    private static List<FitResult> fitAll(MixedModel model) {
        List<FitResult> out = new ArrayList<>();
        for (String name : ESTIMATORS) {
            Estimator e = Discovered.estimators().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("estimator " + name + " not on the class path"));
            out.add(e.fit(model, FitOptions.defaults()));
        }
        return out;
    }

    /** The same data with {@code count} rows, drawn at random, removed (groups keep at least one row). */
    private static ModelData dropRandomRows(ModelData data, int count, SplittableRandom rng) {
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < data.groupCount(); i++) {
            for (int j = 0; j < data.groups().get(i).size(); j++) {
                rows.add(new int[] {i, j});
            }
        }
        boolean[][] drop = new boolean[data.groupCount()][];
        for (int i = 0; i < data.groupCount(); i++) {
            drop[i] = new boolean[data.groups().get(i).size()];
        }
        int dropped = 0;
        while (dropped < count) {
            int[] r = rows.get(rng.nextInt(rows.size()));
            int kept = 0;
            for (boolean d : drop[r[0]]) {
                kept += d ? 0 : 1;
            }
            if (!drop[r[0]][r[1]] && kept > 1) {
                drop[r[0]][r[1]] = true;
                dropped++;
            }
        }
        int p = data.p();
        int q = data.q();
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < data.groupCount(); i++) {
            Group g = data.groups().get(i);
            int m = 0;
            for (boolean d : drop[i]) {
                m += d ? 0 : 1;
            }
            double[] y = new double[m];
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] t = new int[m];
            int k = 0;
            for (int j = 0; j < g.size(); j++) {
                if (drop[i][j]) {
                    continue;
                }
                y[k] = g.y()[j];
                System.arraycopy(g.x(), j * p, x, k * p, p);
                System.arraycopy(g.z(), j * q, z, k * q, q);
                t[k] = g.occasion()[j];
                k++;
            }
            groups.add(new Group(g.id(), y, x, z, t));
        }
        return new ModelData(groups, data.fixedNames(), data.randomNames(), data.response(), data.grouping(),
                data.occasionLabels(), data.droppedRows(), data.notes());
    }
}
