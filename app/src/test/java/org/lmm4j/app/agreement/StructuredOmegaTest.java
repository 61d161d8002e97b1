package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.testkit.HandFrames;
import org.lmm4j.testkit.Discovered;

/**
 * Ω with a structure over the levels of a factor term (issue 13: glmmTMB's {@code ar1(0 + factor(period) | Subject)},
 * {@code toep(...)}, {@code cs(...)}): on sleepstudy, one random effect per two-day period (five periods of two days,
 * so 90 random effects for 180 rows), Ω_ar1 = v ρ^|i−j|, Toeplitz or compound symmetric, beside σ²I. No R package at hand fits these (glmmTMB is not installed), so the check is that
 * every estimator reaches the same minimum, ML and REML, with Newton's converged and Ω̂ of the named structure.
 */
class StructuredOmegaTest {

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String s : List.of("ar1", "toeplitz", "cs")) {
            for (Method m : Method.values()) {
                out.add(Arguments.of(s, m));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyEstimatorReachesTheSameMinimumWithOmegaOverTheAges(String structure, Method method) {
        HandFrames.Table sleep = HandFrames.read("/nested/sleepstudy.csv");
        int n = sleep.size();
        double[] days = sleep.numbers("Days");
        double[][] period = new double[5][n];
        for (int j = 0; j < n; j++) {
            period[(int) days[j] / 2][j] = 1;
        }
        ModelFrame frame = HandFrames.frame(sleep.numbers("Reaction"), List.of("(Intercept)", "Days"),
                new double[][] {HandFrames.ones(n), days}, "Reaction", List.of(HandFrames.term("Subject",
                        List.of("Subject"), sleep.column("Subject"), List.of("p1", "p2", "p3", "p4", "p5"), period,
                        structure)));
        ModelData data = NestedTerms.of(frame).data();
        MixedModel model = new MixedModel(data, Discovered.structure("scalar"), Discovered.structure(structure), method);
        FitResult newton = fit("newton", model);
        assertEquals(FitStatus.CONVERGED, newton.status(), newton.reason());
        double[][] omega = newton.omega();
        if (structure.equals("ar1")) {
            double rho = omega[0][1] / omega[0][0];
            assertEquals(rho * rho, omega[0][2] / omega[0][0], 1e-9, "Ω̂ is AR(1): ρ² two ages apart");
        }
        assertEquals(omega[0][1], omega[2][3], 1e-9 * Math.abs(omega[0][0]), "Ω̂ is Toeplitz: one covariance per lag");
        for (String e : List.of("em", "alternating")) {
            FitResult f = fit(e, model);
            assertEquals(FitStatus.CONVERGED, f.status(), e + ": " + f.reason());
            assertEquals(newton.minus2LogLik(), f.minus2LogLik(), 1e-6, e + " −2 log L");
            for (int b = 0; b < newton.fixedEffects().length; b++) {
                assertEquals(newton.fixedEffects()[b], f.fixedEffects()[b], 1e-4, e + " β" + b);
            }
            for (int a = 0; a < 5; a++) {
                assertEquals(omega[a][a], f.omega()[a][a], 1e-4 * Math.max(1, omega[a][a]), e + " Ω variance");
            }
        }
    }

    private static FitResult fit(String estimator, MixedModel model) {
        return Discovered.estimators().stream().filter(e -> e.name().equals(estimator)).findFirst().orElseThrow()
                .fit(model, FitOptions.defaults());
    }
}
