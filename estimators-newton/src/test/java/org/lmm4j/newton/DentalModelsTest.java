package org.lmm4j.newton;

import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.Dental;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/** The dental figures of paper-targets.md and the structures issue, by Newton's method. */
class DentalModelsTest {

    private static final double N_LOG_2PI = 108 * Math.log(2 * Math.PI);

    @Test
    void mixedGenderModelReachesThePaperDevianceQuadratically() {
        List<IterationRecord> seen = new ArrayList<>();
        FitResult r = new NewtonEstimator().fit(
                Dental.model(Dental.GENDER + Dental.RANDOM, "scalar", Method.ML),
                FitOptions.defaults().withProgress(seen::add));
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(229.3152, r.criterion(), 1e-3);
        assertEquals(1.7162, r.sigma()[0][0], 1e-4);
        assertEquals(4.5569, r.omega()[0][0], 1e-3);
        assertEquals(-0.19825, r.omega()[0][1], 1e-4);
        assertEquals(0.023759, r.omega()[1][1], 1e-5);
        assertEquals(16.34063, r.fixedEffects()[0], 1e-4);
        assertTrue(r.iterations() <= 15, r.iterations() + " iterations");
        assertEquals(r.trace(), seen);
        assertFalse(r.singular());
        // quadratic convergence: the step that first takes the gradient norm below 1e-4 cuts it a hundredfold or more
        // (a last iteration may follow at the criterion's rounding floor, where no step can lower it further)
        List<IterationRecord> t = r.trace();
        int k = 0;
        while (k < t.size() && t.get(k).gradientNorm() >= 1e-4) {
            k++;
        }
        assertTrue(k > 0 && k < t.size(), t.toString());
        assertTrue(t.get(k).gradientNorm() < 1e-2 * t.get(k - 1).gradientNorm(), t.toString());
    }

    @Test
    void remlCriterionOfTheMixedGenderModelMatchesLme4() {
        FitResult r = new NewtonEstimator().fit(
                Dental.model(Dental.GENDER + Dental.RANDOM, "scalar", Method.REML),
                FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(432.5817, r.minus2LogLik(), 1e-3);
    }

    @Test
    void equalRandomModelMatchesTheRecomputedEstimates() {
        FitResult r = DentalTable1Test.fit("equal", "random");
        assertEquals(1.7162, r.sigma()[0][0], 1e-4);
        assertEquals(4.8141, r.omega()[0][0], 1e-3);
        assertEquals(-0.27421, r.omega()[0][1], 1e-4);
        assertEquals(0.046193, r.omega()[1][1], 1e-5);
    }

    @Test
    void freeScalarAndGenderFreeMatchTheRecomputedEstimates() {
        assertEquals(0.8581, DentalTable1Test.fit("free", "scalar").sigma()[0][0], 1e-4);
        assertEquals(6.3179, DentalTable1Test.fit("equal", "scalar").sigma()[0][0], 1e-4);
        FitResult r = DentalTable1Test.fit("gender", "free");
        double[] variances = {5.1192, 3.9280, 5.9798, 4.6180};
        for (int i = 0; i < 4; i++) {
            assertEquals(variances[i], r.sigma()[i][i], 1e-3);
        }
        assertEquals(0.54434, r.sigma()[0][1] / Math.sqrt(r.sigma()[0][0] * r.sigma()[1][1]), 1e-4);
    }

    @Test
    void subjectLinesWithRandomLinesEndAtTheBoundaryWithOmegaZero() {
        FitResult r = DentalTable1Test.fit("free", "random");
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(91.4725, r.criterion(), 1e-3);
        for (double[] row : r.omega()) {
            for (double v : row) {
                assertEquals(0.0, v);
            }
        }
        assertTrue(r.singular());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("confounded")), r.warnings().toString());
    }

    @Test
    void subjectLinesWithRandomLinesAreUnboundedWhenOmegaNeedOnlyKeepVPositiveDefinite() {
        FitOptions indefinite = new FitOptions(1000, 1e-10, true, false, null);
        FitResult r = new NewtonEstimator().fit(
                Dental.model(Dental.FREE + Dental.RANDOM, "scalar", Method.ML), indefinite);
        assertEquals(FitStatus.UNBOUNDED, r.status(), r.reason());
        assertTrue(r.reason().contains("V_i of group"), r.reason());
    }

    @Test
    void compoundSymmetryAndAr1ReachTheNlmeFigures() {
        FitResult cs = new NewtonEstimator().fit(Dental.model(Dental.GENDER, "cs", Method.ML),
                FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, cs.status(), cs.reason());
        assertEquals(428.6391, cs.minus2LogLik(), 1e-3);
        FitResult ar1 = new NewtonEstimator().fit(Dental.model(Dental.GENDER, "ar1", Method.ML),
                FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, ar1.status(), ar1.reason());
        assertEquals(440.6810, ar1.minus2LogLik(), 1e-3);
        assertEquals(ar1.criterion() + N_LOG_2PI, ar1.minus2LogLik(), 1e-9);
    }

    @Test
    void randomInterceptAndSlopeCombineWithAr1AndDiagonalSigma() {
        for (String sigma : List.of("ar1", "diagonal")) {
            for (Method method : Method.values()) {
                MixedModel model = Dental.model(Dental.GENDER + Dental.RANDOM, sigma, method);
                FitResult r = new NewtonEstimator().fit(model, FitOptions.defaults());
                assertEquals(FitStatus.CONVERGED, r.status(), sigma + " " + method + ": " + r.reason());
                FitResult scalar = new NewtonEstimator().fit(
                        new MixedModel(model.data(), Discovered.structure("scalar"), model.randomEffects(), method),
                        FitOptions.defaults());
                // scalar Σ is nested in each of these structures, so their minimum is no higher
                assertTrue(r.criterion() <= scalar.criterion() + 1e-6,
                        sigma + " " + method + ": " + r.criterion() + " > " + scalar.criterion());
            }
        }
    }

    @Test
    void compoundSymmetryPlusRandomInterceptReachesTheScalarMinimumAlongItsRidge() {
        // cs's common covariance and the random-intercept variance enter V_i only through their sum, so the
        // minimum is that of scalar Σ with random effects, reached along a ridge (first pressed against Σ's edge)
        FitResult r = new NewtonEstimator().fit(
                Dental.model(Dental.GENDER + Dental.RANDOM, "cs", Method.ML), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(DentalTable1Test.fit("gender", "random").criterion(), r.criterion(), 1e-6);
        assertTrue(r.iterations() < 100, r.iterations() + " iterations");
    }

    @Test
    void aVarianceOfDiagonalSigmaAtZeroIsABoundaryMinimum() {
        // generated data whose ML diagonal Σ has the variance at occasion 1 on zero, V_i kept positive definite by Ω
        ModelGenerator.Case c = ModelGenerator.make(20, 4, 1, 2, "diagonal", "free", Method.ML, 9);
        FitResult r = new NewtonEstimator().fit(c.model(), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertTrue(r.singular());
        assertTrue(r.sigma()[0][0] < 1e-9 * r.sigma()[1][1], "σ₁² = " + r.sigma()[0][0]);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("the variance at occasion 1 is at zero")),
                r.warnings().toString());
        // no admissible point nearby does better
        org.lmm4j.likelihood.ProfiledDeviance dev = new org.lmm4j.likelihood.ProfiledDeviance(c.model());
        java.util.Random rnd = new java.util.Random(1);
        for (int k = 0; k < 200; k++) {
            double[] near = r.theta().clone();
            for (int i = 0; i < near.length; i++) {
                near[i] += 1e-3 * Math.max(Math.abs(near[i]), 1e-2) * rnd.nextGaussian();
            }
            near[0] = Math.abs(near[0]);
            assertTrue(dev.criterion(near) >= r.criterion() - 1e-9, "lower criterion at " + java.util.Arrays.toString(near));
        }
    }

    @Test
    void twoVariancesOfDiagonalSigmaAtZeroConvergeQuickly() {
        // the replayed jqwik sample: the ML diagonal Σ has the variances at occasions 1 and 4 on zero while Ω keeps
        // every V_i positive definite (a finite boundary minimum, not an unbounded likelihood)
        ModelGenerator.Case c = ModelGenerator.make(20, 4, 1, 2, "diagonal", "free", Method.ML, -5);
        FitResult r = new NewtonEstimator().fit(c.model(), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertTrue(r.singular());
        assertTrue(r.iterations() <= 20, r.iterations() + " iterations");
        assertTrue(r.sigma()[0][0] < 1e-9 * r.sigma()[2][2] && r.sigma()[3][3] < 1e-9 * r.sigma()[2][2]);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("the variances at occasions 1, 4 are at zero")),
                r.warnings().toString());
        // stationary in the feasible directions: zero gradient for the free parameters, outward at the two zeros
        org.lmm4j.likelihood.ProfiledDeviance dev = new org.lmm4j.likelihood.ProfiledDeviance(c.model());
        double[] g = dev.gradient(r.theta()).theta();
        for (int k = 0; k < g.length; k++) {
            if (k == 0 || k == 3) {
                assertTrue(g[k] > 0, "∂/∂σ² at a zero variance " + g[k]);
            } else {
                assertEquals(0, g[k] * Math.max(1, Math.abs(r.theta()[k])), 1e-5, "∂/∂θ_" + k);
            }
        }
        assertTrue(r.criterion() <= new org.lmm4j.likelihood.ProfiledDeviance(c.model()).criterion(c.theta()));
    }

    @Test
    void aRankOneOmegaWithoutStrictComplementarityIsReachedOnItsFace() {
        // Ω̂ has rank one and the gradient along its null direction vanishes, so Newton in Cholesky coordinates
        // approaches it only linearly; the step onto the face of the cone restores the quadratic rate
        ModelGenerator.Case c = ModelGenerator.make(39, 3, 2, 2, "ar1", "free", Method.REML, -1);
        FitResult r = new NewtonEstimator().fit(c.model(), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertTrue(r.singular());
        assertTrue(r.iterations() <= 30, r.iterations() + " iterations");
        FitResult reference = new org.lmm4j.testkit.ReferenceMinimiser().fit(c.model(), FitOptions.defaults());
        assertTrue(r.criterion() <= reference.criterion() + 1e-6, r.criterion() + " > " + reference.criterion());
    }

    @Test
    void unbalancedDentalDataFitWithoutSpecialHandling() {
        org.lmm4j.data.DataTable full = org.lmm4j.testkit.Dental.table();
        List<String[]> columns = new ArrayList<>();
        for (String[] column : full.columns()) {
            List<String> kept = new ArrayList<>();
            for (int row = 0; row < column.length; row++) {
                if (row % 7 != 3) { // drop one occasion in seven, from different subjects and ages
                    kept.add(column[row]);
                }
            }
            columns.add(kept.toArray(new String[0]));
        }
        org.lmm4j.data.DataTable table = new org.lmm4j.data.DataTable("unbalanced", full.names(), columns);
        for (String[] c : new String[][] {{Dental.GENDER + Dental.RANDOM, "scalar"},
                {Dental.GENDER, "free"}, {Dental.GENDER + Dental.RANDOM, "ar1"}}) {
            org.lmm4j.formula.CompiledModel cm = org.lmm4j.formula.ModelCompiler.compile(table, c[0],
                    new org.lmm4j.formula.CompileOptions("age", "Subject"));
            assertTrue(cm.data().observations() < 108);
            for (Method method : Method.values()) {
                MixedModel model = new MixedModel(cm.data(), Discovered.structure(c[1]),
                        cm.omegaStructure() == null ? null : Discovered.structure(cm.omegaStructure()), method);
                FitResult r = new NewtonEstimator().fit(model, FitOptions.defaults());
                assertEquals(FitStatus.CONVERGED, r.status(), c[0] + " / " + c[1] + " " + method + ": " + r.reason());
                assertTrue(r.iterations() <= 30, r.iterations() + " iterations");
            }
        }
    }

    @Test
    void registeredAsAServiceNamedNewton() {
        Estimator found = null;
        for (Estimator e : ServiceLoader.load(Estimator.class)) {
            if (e.name().equals("newton")) {
                found = e;
            }
        }
        assertNotNull(found);
        assertTrue(found instanceof NewtonEstimator);
    }
}
