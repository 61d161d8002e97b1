package org.lmm4j.app.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Discovered;

/**
 * A covariate with a random slope, far from zero or on an awkward scale (issue 15, item 1: {@code t + 10⁶} in
 * {@code y ~ t + (t | subj)}): t → c(t + a) in X and Z alike, |a| up to 10¹⁰ times t's spread, c from 10⁻⁶ to 10⁶,
 * is the same model with Z' = ZA, A = [[1, ca], [0, c]], so every estimator must give the same Δ̂ and Σ̂, β̂' = A⁻¹β̂
 * and Ω̂' = A⁻¹Ω̂A⁻ᵀ, within 1e-6 relative (Ω̂' entrywise against √(Ω̂'_aa Ω̂'_bb), the scale its entries are
 * determined on, plus {@link #OMEGA_PLACEMENT}; β̂'₀ = β̂₀ − aβ̂_t relative to its terms). Before the random-effects design was centred
 * for the fit ({@code CentredRandomEffects}), t + 10⁶ left Newton and EM NOT_CONVERGED at Δ 35 above the minimum.
 */
class ShiftedRandomSlopeProperties {

    private static final double TOL = 1e-6;

    /**
     * How closely a minimiser that stops on the criterion places Ω̂: Δ̂ agrees to 1e-13 relative here (|Δ̂| ≈ 270),
     * and a criterion flat to 3e-11 leaves the variances free by about √(2·3e-11/h) for a curvature h ≈ 100, so
     * EM's polished fits (whose Newton steps are taken only when they lower Δ) differ from each other by up to about
     * 4e-6 of Ω's scale (seen at seed 576 in 600 tries); Newton, which solves ∇Δ = 0, by far less.
     */
    private static final double OMEGA_PLACEMENT = 1e-5;

    @Property(tries = 20)
    void aShiftedAndScaledRandomSlopeCovariateGivesTheSameFit(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
                                                               @ForAll @DoubleRange(min = 0, max = 10) double offsetDecades,
                                                               @ForAll @DoubleRange(min = -6, max = 6) double scaleDecades,
                                                               @ForAll boolean negative) {
        double spread = Math.sqrt(2.5); // sd of t = 0..4
        double a = (negative ? -1 : 1) * Math.pow(10, offsetDecades) * spread;
        double c = Math.pow(10, scaleDecades);
        // the data themselves are rounded: t + a is stored to ulp(a), a relative change of ulp(a)/spread in the
        // covariate's spread (1.2e-6 at a = 1.6e10), which moves the exact fit as much; the tolerance adds it
        double tol = TOL + 2 * Math.ulp(Math.abs(a)) / spread;
        ModelData base = simulated(seed, 0, 1);
        ModelData shifted = simulated(seed, a, c);
        for (Estimator e : Discovered.estimators()) {
            if (!List.of("newton", "em", "alternating").contains(e.name())) {
                continue; // the test tree's own plug-ins are not estimators of this model
            }
            FitResult f = fit(e, base);
            FitResult g = fit(e, shifted);
            String what = e.name() + ", t → " + c + "(t + " + a + "), seed " + seed;
            assertEquals(FitStatus.CONVERGED, f.status(), what + ": " + f.reason());
            assertEquals(FitStatus.CONVERGED, g.status(), what + ": " + g.reason());
            assertEquals(f.criterion(), g.criterion(), tol * (1 + Math.abs(f.criterion())), what + ": Δ̂");
            assertEquals(f.sigma()[0][0], g.sigma()[0][0], tol * f.sigma()[0][0], what + ": σ̂²");
            double[] b = f.fixedEffects();
            double[] expectedBeta = {b[0] - a * b[1], b[1] / c}; // β' = A⁻¹β
            double[] gb = g.fixedEffects();
            assertEquals(expectedBeta[1], gb[1], tol * (Math.abs(expectedBeta[1]) + Math.abs(b[0]) / spread), what + ": slope");
            // β'₀ = β₀ − aβ_t: relative to its terms, for an error δ in the slope moves it by aδ
            assertEquals(expectedBeta[0], gb[0], tol * (1 + Math.abs(b[0]) + Math.abs(a * b[1])), what + ": intercept");
            if (f.singular()) {
                continue; // on the boundary Ω̂ is flat along it
            }
            double[][] w = f.omega();
            // Ω' = A⁻¹ΩA⁻ᵀ with A⁻¹ = [[1, −a], [0, 1/c]]
            double[][] expected = {
                {w[0][0] - 2 * a * w[0][1] + a * a * w[1][1], (w[0][1] - a * w[1][1]) / c},
                {(w[0][1] - a * w[1][1]) / c, w[1][1] / (c * c)}};
            double[][] got = g.omega();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    double scale = Math.sqrt(expected[i][i] * expected[j][j]);
                    assertTrue(Math.abs(got[i][j] - expected[i][j]) <= (tol + OMEGA_PLACEMENT) * scale, what + ": Ω̂'[" + i + "][" + j + "] "
                            + got[i][j] + " vs " + expected[i][j]);
                }
            }
        }
    }

    private static FitResult fit(Estimator e, ModelData d) {
        return e.fit(new MixedModel(d, Discovered.structure("scalar"), Discovered.structure("free"), Method.ML),
                FitOptions.defaults());
    }

    /**
     * 30 subjects × 5 occasions t = 0..4 from y = 10 + 0.5t + u₀ + u₁t + e (Ω = [[3, 0.5], [0.5, 0.3]], σ² = 1),
     * with the covariate recorded as c(t + a) in X and Z.
     */
    private static ModelData simulated(long seed, double a, double c) {
        SplittableRandom random = new SplittableRandom(seed);
        double l00 = Math.sqrt(3);
        double l10 = 0.5 / l00;
        double l11 = Math.sqrt(0.3 - l10 * l10);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double g0 = random.nextGaussian();
            double g1 = random.nextGaussian();
            double u0 = l00 * g0;
            double u1 = l10 * g0 + l11 * g1;
            double[] y = new double[5];
            double[] x = new double[10];
            int[] occasion = new int[5];
            for (int t = 0; t < 5; t++) {
                y[t] = 10 + 0.5 * t + u0 + u1 * t + random.nextGaussian();
                x[2 * t] = 1;
                x[2 * t + 1] = c * (t + a);
                occasion[t] = t;
            }
            groups.add(new Group("s" + i, y, x, x.clone(), occasion));
        }
        List<String> occasions = IntStream.range(0, 5).mapToObj(String::valueOf).toList();
        return new ModelData(groups, List.of("(Intercept)", "t"), List.of("(Intercept)", "t"), "y", "subj", occasions,
                0, List.of());
    }
}
