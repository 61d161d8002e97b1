package org.lmm4j.em;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Finish;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.optimise.ProfiledNewton;
import org.lmm4j.testkit.NestedFrames;

/**
 * Nested terms regrouped with padded slots (issue 13, {@link NestedTerms}): the zero columns of a padded slot leave
 * the likelihood exactly that of the frame, and in EM a padded slot is a latent vector unconnected to the data (its
 * conditional second moment is Ω_k), so the M-step of {@link TermBlocks} (the sum of a term's slots over n M_k
 * vectors) has the same fixed point: the minimum that Newton's method finds.
 */
class PaddedSlotsTest {

    private static ModelFrame frame() {
        return NestedFrames.generate(new SplittableRandom(1301), 8, 4, true, "free", "free");
    }

    private static MixedModel model(ModelFrame frame, Method method) {
        NestedTerms nt = NestedTerms.of(frame);
        return new MixedModel(nt.data(), Models.structure("scalar"), TermBlocks.of(nt, Models::structure), method);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void paddedSlotsLeaveTheLikelihoodOfTheFrame(Method method) {
        ModelFrame frame = frame();
        MixedModel model = model(frame, method);
        NestedTerms nt = NestedTerms.of(frame);
        assertTrue(nt.terms().get(1).copies() > 1, "the design has inner slots");
        boolean padded = false;
        for (int[] slots : nt.terms().get(1).levelOfSlot()) {
            padded |= slots[slots.length - 1] < 0;
        }
        assertTrue(padded, "some group has padded slots");
        ProfiledDeviance dev = new ProfiledDeviance(model);
        double[][] omegaA = {{1.3, 0.2}, {0.2, 0.4}};
        double[][] omegaB = {{0.7}};
        TermBlocks tb = (TermBlocks) model.randomEffects();
        double[] theta = dev.join(new double[] {0.5}, tb.parameters(blockdiag(tb, omegaA, omegaB)));
        double expected = NestedFrames.criterion(frame, List.of(omegaA, omegaB), 0.5, method == Method.REML);
        assertEquals(expected, dev.criterion(theta), 1e-9 * Math.abs(expected));
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void emMapFixesNewtonsMinimumDespitePadding(Method method) {
        MixedModel model = model(frame(), method);
        ProfiledDeviance dev = new ProfiledDeviance(model);
        EstimatorRun newton = new ProfiledNewton(dev, FitOptions.defaults()).minimise(StartValues.moments(model));
        assertEquals(FitStatus.CONVERGED, newton.status(), newton.reason());
        double[] hat = newton.theta();
        EmMap.Point p = new EmMap(dev).at(hat);
        for (int k = 0; k < hat.length; k++) {
            assertEquals(hat[k], p.image()[k], 1e-6 * Math.max(1, Math.abs(hat[k])), "θ_" + k + " is a fixed point");
        }
        // and EM by itself (no finishing Newton steps) gets there
        EstimatorRun em = new EmEstimator().minimise(dev, StartValues.moments(model),
                FitOptions.defaults().withFinish(Finish.NONE).withMaxIterations(5000));
        assertEquals(FitStatus.CONVERGED, em.status(), em.reason());
        assertEquals(dev.criterion(hat), dev.criterion(em.theta()), 1e-6);
    }

    private static double[][] blockdiag(TermBlocks tb, double[][] first, double[][] second) {
        double[][] a = tb.embed(first, 0);
        double[][] b = tb.embed(second, 1);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                a[i][j] += b[i][j];
            }
        }
        return a;
    }
}
