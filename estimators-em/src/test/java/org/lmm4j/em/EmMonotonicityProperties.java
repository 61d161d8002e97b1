package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * docs/DESIGN.md §4: EM's deviance never rises. Over generated models (random numbers of groups, group sizes and
 * missing occasions, covariates; scalar, diagonal or free Σ; with and without random effects; ML and REML),
 * the criterion of every EM iteration is at most that of the one before (up to 1e-9 relative), with and without
 * SQUAREM, and the fit ends no higher than it started.
 */
class EmMonotonicityProperties {

    @Provide
    Arbitrary<String> sigmas() {
        return Arbitraries.of("scalar", "diagonal", "free");
    }

    @Property(tries = 100)
    void emDevianceNeverRises(@ForAll long seed, @ForAll @IntRange(min = 4, max = 14) int groups,
                              @ForAll @IntRange(min = 2, max = 5) int occasions, @ForAll @IntRange(min = 1, max = 4) int p,
                              @ForAll @IntRange(min = 0, max = 2) int q, @ForAll @DoubleRange(min = 0.4, max = 1.0) double keep,
                              @ForAll("sigmas") String sigma, @ForAll Method method) {
        MixedModel model = RandomModels.model(seed, groups, occasions, p, q, keep, sigma, q > 0 ? "free" : null, method);
        // thinning can leave a covariate constant at zero (X rank deficient): EM then rightly fails; not this property
        Assume.that(fullColumnRank(model.data()));
        double start = new ProfiledDeviance(model).criterion(StartValues.moments(model));
        for (boolean accelerate : new boolean[] {false, true}) {
            FitResult r = new EmEstimator().fit(model,
                    FitOptions.defaults().withAccelerate(accelerate).withMaxIterations(60));
            assertNotEquals(FitStatus.FAILED, r.status(), r.reason());
            Statistics.collect(accelerate ? "SQUAREM" : "plain", r.status());
            double before = start;
            for (IterationRecord rec : r.trace()) {
                if (!rec.phase().equals("em")) {
                    continue; // the host's Newton finish is not EM: its steps are labelled apart
                }
                assertTrue(rec.criterion() <= before + 1e-9 * Math.max(1, Math.abs(before)),
                        "accelerate=" + accelerate + ": criterion rose at iteration " + rec.iteration() + ": " + before
                                + " -> " + rec.criterion());
                before = rec.criterion();
            }
            assertTrue(r.criterion() <= start + 1e-9 * Math.max(1, Math.abs(start)));
        }
    }

    /** X'X has a Cholesky factor with no negligible pivot (relative 1e-10). */
    private static boolean fullColumnRank(ModelData data) {
        int p = data.p();
        double[] xtx = new double[p * p];
        for (Group g : data.groups()) {
            for (int j = 0; j < g.size(); j++) {
                for (int a = 0; a < p; a++) {
                    for (int b = 0; b < p; b++) {
                        xtx[a * p + b] += g.x()[j * p + a] * g.x()[j * p + b];
                    }
                }
            }
        }
        double[] diag = new double[p];
        for (int a = 0; a < p; a++) {
            diag[a] = xtx[a * p + a];
        }
        if (!Cholesky.factor(xtx, p)) {
            return false;
        }
        for (int a = 0; a < p; a++) {
            if (xtx[a * p + a] * xtx[a * p + a] <= 1e-10 * diag[a]) {
                return false;
            }
        }
        return true;
    }
}
