package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;

/** The estimator as a plug-in: discovery, trace, statuses, acceleration and scale. */
class EmEstimatorTest {

    @Test
    void isDiscoveredByTheServiceLoaderAsEm() {
        List<String> names = new ArrayList<>();
        for (Estimator e : ServiceLoader.load(Estimator.class)) {
            names.add(e.name());
        }
        assertTrue(names.contains("em"), names.toString());
    }

    @Test
    void squaremNeedsFarFewerIterationsOnTheDentalRandomModel() {
        MixedModel model = Models.dental(Models.GENDER + Models.RANDOM, "scalar", Method.ML);
        FitResult plain = new EmEstimator().fit(model, FitOptions.defaults().withAccelerate(false).withMaxIterations(5000));
        FitResult fast = new EmEstimator().fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, plain.status());
        assertEquals(FitStatus.CONVERGED, fast.status());
        assertEquals(plain.criterion(), fast.criterion(), 1e-7);
        System.out.printf("EM on distance ~ Sex*age + (age | Subject): plain %d iterations (%d evaluations), "
                        + "SQUAREM %d cycles (%d evaluations)%n", plain.iterations(), plain.evaluations(),
                fast.iterations(), fast.evaluations());
        assertTrue(fast.iterations() * 5 < plain.iterations());
        assertTrue(fast.evaluations() * 2 < plain.evaluations());
        assertEquals("true", fast.provenance().get("settings.accelerate"));
        assertEquals("false", plain.provenance().get("settings.accelerate"));
    }

    @Test
    void traceHasOneRecordPerIterationAndProgressSeesThemAll() {
        List<IterationRecord> seen = new ArrayList<>();
        MixedModel model = Models.dental(Models.EQUAL + Models.RANDOM, "scalar", Method.ML);
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults().withProgress(seen::add));
        assertEquals(r.iterations() + r.finishIterations(), r.trace().size());
        assertEquals(r.trace(), seen);
        for (int k = 0; k < seen.size(); k++) {
            assertEquals(k + 1, seen.get(k).iteration());
        }
        assertEquals(r.criterion(), seen.get(seen.size() - 1).criterion(), 1e-12);
    }

    @Test
    void iterationLimitGivesNotConvergedWithTheBestPoint() {
        MixedModel model = Models.dental(Models.GENDER + Models.RANDOM, "scalar", Method.ML);
        // EM by itself: no Newton finish after the limit
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults().withAccelerate(false).withMaxIterations(5)
                .withFinish(org.lmm4j.api.Finish.NONE));
        assertEquals(FitStatus.NOT_CONVERGED, r.status());
        assertEquals(5, r.iterations());
        assertTrue(r.reason().contains("iteration limit"));
        assertEquals(r.trace().get(4).criterion(), r.criterion(), 1e-12);
        assertTrue(r.criterion() > 229.3152);
    }

    @Test
    void aBoundaryMinimumOfSigmaIsNotMistakenForUnboundedness() {
        // a residual variance at zero while Z_iΩZ_i' keeps every V_i positive definite: a finite boundary minimum
        MixedModel model = RandomModels.model(9985, 4, 2, 3, 2, 0.55, "diagonal", "free", Method.REML);
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults());
        FitResult reference = new org.lmm4j.testkit.ReferenceMinimiser().fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertTrue(r.criterion() <= reference.criterion() + 1e-6 * (1 + Math.abs(reference.criterion())),
                r.criterion() + " vs the reference BFGS " + reference.criterion());
    }

    @Test
    void finishingStepsAreLabelledApartAndOnlyLowerTheCriterion() {
        // plain EM meets its own test a little short of the minimum; the host's Newton finish goes on, labelled apart
        MixedModel model = Models.dental(Models.GENDER + Models.RANDOM, "scalar", Method.ML);
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults().withAccelerate(false).withMaxIterations(5000));
        assertEquals(FitStatus.CONVERGED, r.status());
        assertTrue(r.finishIterations() > 0, "Newton finished the fit");
        assertEquals(r.iterations() + r.finishIterations(), r.trace().size());
        for (int k = 0; k < r.trace().size(); k++) {
            assertEquals(k < r.iterations() ? "em" : "newton-finish", r.trace().get(k).phase(), "record " + k);
        }
        MissingOccasionsTest.assertMonotone(r);
        assertEquals("newton", r.provenance().get("settings.finish"));
        FitResult bare = new EmEstimator().fit(model, FitOptions.defaults().withAccelerate(false).withMaxIterations(5000)
                .withFinish(org.lmm4j.api.Finish.NONE));
        assertEquals(0, bare.finishIterations());
        assertTrue(bare.trace().stream().allMatch(x -> x.phase().equals("em")));
        assertTrue(r.criterion() <= bare.criterion() + 1e-12);
    }

    @Test
    void manyGroupsAreFittedGroupByGroup() {
        MixedModel model = RandomModels.model(3, 20_000, 6, 3, 2, 0.8, "scalar", "free", Method.ML);
        long t0 = System.nanoTime();
        FitResult r = new EmEstimator().fit(model, FitOptions.defaults());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(20_000, r.groups());
        assertTrue(seconds < 20, "took " + seconds + " s");
    }
}
