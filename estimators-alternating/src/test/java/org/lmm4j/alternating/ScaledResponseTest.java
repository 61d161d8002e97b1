package org.lmm4j.alternating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lmm4j.api.Finish;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Vectors;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.ModelTransforms;

/**
 * Equivariance (docs/DESIGN.md §4): y → a·y shifts Δ by 2N log|a|, scales β̂ by a and θ̂ by a², so the fit of a·y
 * stops where the fit of y does. The data are the sample of {@code HostileInputProperties} that found the stopping
 * rule relative to |Δ|: from the moment start the alternation stalls near a nearly singular Ω, 6e-3 above the
 * minimum, and at a = 10⁶ (|Δ| = 1351 instead of 25) it called that point CONVERGED.
 */
class ScaledResponseTest {

    /** y ~ time + x1 + (time | subj): 12 subjects at 4 occasions, as {@code HostileInputProperties.growth}, seed −1472672. */
    private static ModelData growth() {
        Random r = new Random(-1472672);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double a = r.nextGaussian();
            double b = 0.3 * r.nextGaussian();
            double[] y = new double[4];
            double[] x = new double[12];
            double[] z = new double[8];
            int[] occasion = new int[4];
            for (int t = 0; t < 4; t++) {
                double x1 = r.nextGaussian();
                y[t] = 20 + a + (1 + b) * t + 0.5 * x1 + 0.5 * r.nextGaussian();
                x[3 * t] = 1;
                x[3 * t + 1] = t;
                x[3 * t + 2] = x1;
                z[2 * t] = 1;
                z[2 * t + 1] = t;
                occasion[t] = t;
            }
            groups.add(new Group("s" + i, y, x, z, occasion));
        }
        return new ModelData(groups, List.of("(Intercept)", "time", "x1"), List.of("(Intercept)", "time"), "y", "subj",
                List.of("1", "2", "3", "4"), 0, List.of());
    }

    private static FitResult fit(double a, FitOptions options) {
        MixedModel model = new MixedModel(ModelTransforms.scaleResponse(growth(), a), Discovered.structure("scalar"),
                Discovered.structure("free"), Method.ML);
        return new AlternatingEstimator().fit(model, options);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e6, 1e-6})
    void alternationAloneStopsAtTheScaledPoint(double a) {
        FitOptions bare = FitOptions.defaults().withFinish(Finish.NONE);
        FitResult one = fit(1, bare);
        FitResult scaled = fit(a, bare);
        assertEquals(FitStatus.NOT_CONVERGED, one.status(), "the stall is not a minimum: " + one.reason());
        assertEquals(one.status(), scaled.status(), scaled.reason());
        assertEquals(one.iterations(), scaled.iterations());
        assertSameFit(one, scaled, a, 1e-7);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e6, 1e-6})
    void wholeFitReachesTheScaledMinimum(double a) {
        FitResult one = fit(1, FitOptions.defaults());
        FitResult scaled = fit(a, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, one.status(), one.reason());
        assertEquals(FitStatus.CONVERGED, scaled.status(), scaled.reason());
        assertSameFit(one, scaled, a, 1e-6);
    }

    /** Δ to 1e-9 of its size, β̂ and θ̂ to {@code relative}, after mapping the fit of a·y back. */
    private static void assertSameFit(FitResult one, FitResult scaled, double a, double relative) {
        double shift = 2 * one.observations() * Math.log(a);
        assertEquals(one.criterion() + shift, scaled.criterion(), 1e-9 * (Math.abs(one.criterion()) + Math.abs(shift)),
                "Δ(ay) = Δ(y) + 2N log a");
        double[] beta = one.fixedEffects();
        for (int k = 0; k < beta.length; k++) {
            assertEquals(beta[k], scaled.fixedEffects()[k] / a, relative * (1 + Math.abs(beta[k])),
                    "β̂(ay) = aβ̂(y) for " + one.fixedNames().get(k));
        }
        double[] theta = one.theta();
        for (int k = 0; k < theta.length; k++) {
            assertEquals(theta[k], scaled.theta()[k] / (a * a), relative * Vectors.maxAbs(theta),
                    "θ̂(ay) = a²θ̂(y), k = " + k);
        }
    }
}
