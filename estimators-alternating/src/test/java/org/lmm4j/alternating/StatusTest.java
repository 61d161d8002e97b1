package org.lmm4j.alternating;

import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.Dental;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/** Registration and the statuses other than CONVERGED and UNBOUNDED. */
class StatusTest {

    @Test
    void isFoundByTheServiceLoader() {
        boolean found = ServiceLoader.load(Estimator.class).stream()
                .anyMatch(p -> p.get().name().equals("alternating"));
        assertTrue(found);
    }

    @Test
    void iterationLimitGivesNotConvergedWithTheBestPoint() {
        MixedModel model = Dental.model(Dental.GENDER, "free", Method.ML);
        // alternation by itself: no Newton finish after the limit
        FitResult r = new AlternatingEstimator().fit(model, FitOptions.defaults().withMaxIterations(1)
                .withFinish(org.lmm4j.api.Finish.NONE));
        assertEquals(FitStatus.NOT_CONVERGED, r.status());
        assertTrue(Double.isFinite(r.criterion()));
        assertEquals(r.trace().get(0).criterion(), r.criterion(), 1e-9);
        assertTrue(r.criterion() > 220.9863 && r.criterion() < 221.0, "close to, above the minimum: " + r.criterion());
    }

    @Test
    void aliasedFixedEffectsFail() {
        // two identical columns in X: Σ X_i'V_i⁻¹X_i is singular, so there is no GLS estimate
        ModelData data = new ModelData(List.of(
                new Group("a", new double[] {1, 2}, new double[] {1, 1, 1, 1}, new double[0], new int[] {0, 1}),
                new Group("b", new double[] {2, 4}, new double[] {1, 1, 1, 1}, new double[0], new int[] {0, 1})),
                List.of("x1", "x2"), List.of(), "y", "g", List.of("1", "2"), 0, List.of());
        FitResult r = new AlternatingEstimator().fit(
                new MixedModel(data, Discovered.structure("scalar"), null, Method.ML), FitOptions.defaults());
        assertEquals(FitStatus.FAILED, r.status());
        assertTrue(r.reason().contains("rank deficient"), r.reason());
    }

    @Test
    void aliasedByMissingOccasionsFailsWithTheReason() {
        // a generated data set (DevianceNeverRisesProperties' shrunk sample) whose six rows all fall at occasion 2,
        // so X = [1, time] is aliased; it used to fail as "start values not positive definite"
        MixedModel model = RandomModels.model(5186, 6, 2, 0, 0.4, "scalar", Method.REML);
        FitResult r = new AlternatingEstimator().fit(model, FitOptions.defaults());
        assertEquals(FitStatus.FAILED, r.status());
        assertTrue(r.reason().contains("rank deficient"), r.reason());
    }
}
