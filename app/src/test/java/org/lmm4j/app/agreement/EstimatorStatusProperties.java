package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.GeneratedModel;
import org.lmm4j.testkit.Layout;
import org.lmm4j.testkit.ModelGenerators;
import org.lmm4j.testkit.ModelSpec;

/**
 * The estimator contract of the optimisation core (issue 12): on generated models of every kind — small, with
 * missing occasions, any Σ and Ω structure, unidentifiable ones whose minimum lies on a boundary or whose likelihood
 * is unbounded — Newton, EM and alternating minimisation report the same status and, where the minimum is finite,
 * the same minimum within 1e-6 relative.
 */
class EstimatorStatusProperties {

    private static final List<String> ESTIMATORS = List.of("newton", "em", "alternating");

    /**
     * Identifiable parametrisations (an over-parametrised one — a free Σ beside random effects, a compound-symmetric
     * Ω of dimension 1 — has flat directions along which any status is as right as another), but small samples with
     * no ridge and missing occasions, so that boundary fits (a variance of Ω at zero) and unbounded likelihoods (a
     * mean per group beside a diagonal or free Σ) are common.
     */
    @Provide
    Arbitrary<GeneratedModel> smallModels() {
        return ModelGenerators.models(new ModelSpec(3, 10, 2, 4, 0.3, List.of(0, 1, 2),
                List.of("scalar", "diagonal", "free", "cs", "ar1", "toeplitz"), List.of("diagonal", "free"),
                List.of(Layout.Mean.EQUAL, Layout.Mean.GENDER, Layout.Mean.FREE, Layout.Mean.COVARIATES),
                List.of(Method.ML, Method.REML), 0, true));
    }

    @Property(tries = 100)
    void threeEstimatorsReportTheSameStatusAndMinimum(@ForAll("smallModels") GeneratedModel g) {
        List<FitResult> fits = new ArrayList<>();
        for (String name : ESTIMATORS) {
            Estimator e = Discovered.estimators().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            fits.add(e.fit(g.model(), FitOptions.defaults()));
        }
        FitResult newton = fits.get(0);
        Statistics.label("status").collect(newton.status());
        Statistics.label("boundary fit").collect(newton.singular());
        for (FitResult f : fits) {
            String what = describe(g, fits);
            assertEquals(newton.status(), f.status(), what);
            if (f.status() == FitStatus.CONVERGED) {
                double scale = Math.max(1, Math.abs(newton.criterion()));
                assertTrue(Math.abs(f.criterion() - newton.criterion()) <= 1e-6 * scale, what);
            }
        }
    }

    private static String describe(GeneratedModel g, List<FitResult> fits) {
        StringBuilder s = new StringBuilder("Σ " + g.model().residual().name() + ", Ω "
                + (g.model().randomEffects() == null ? "none" : g.model().randomEffects().name()) + ", q "
                + g.data().q() + ", " + g.model().method() + ", " + g.data().groupCount() + " groups, "
                + g.data().observations() + " rows:");
        for (FitResult f : fits) {
            s.append(String.format(java.util.Locale.ROOT, "%n  %-12s %-14s %.10g  %s", f.estimator(), f.status(),
                    f.criterion(), f.reason()));
        }
        return s.toString();
    }
}
