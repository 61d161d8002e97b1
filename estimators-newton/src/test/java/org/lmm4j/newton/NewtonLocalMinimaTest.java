package org.lmm4j.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.NestedFrames;

/**
 * Two models whose criterion has two local minima, found by the estimator contract's property that every estimator
 * reaches the same minimum. From the moment start alone Newton's method converges, honestly, to the higher one (the
 * gradient below 1e-8 and the Hessian positive definite there, in the coordinates it works in, with a ridge between
 * it and the lower minimum), while EM, alternating minimisation and the test kit's BFGS reach the lower. The host's
 * further starts ({@code StartValues.candidates}) lead Newton to the lower minimum too.
 */
class NewtonLocalMinimaTest {

    /** The occasions' times of the marginal model below. */
    private static final double[] TIMES = {0.8436906975516207, 1.5201779168485194, 3.290095147934432,
            4.2573366115218985};

    /** Rows {group, occasion, y, x, level1} of the marginal model: 12 groups, group 12 not seen at occasion 2. */
    private static final double[][] ROWS = {
            {1, 0, 5.822560104336341, -2.4016484053971117, 0},
            {1, 1, -0.32586054239505824, -0.21528925208765762, 0},
            {1, 2, -2.4351621882701613, -0.3873946531819103, 0},
            {1, 3, -4.892745839954703, -0.5045854860541295, 0},
            {2, 0, 5.010164410900418, -0.16924626780735547, 1},
            {2, 1, 0.672903518756889, 1.4612588053671227, 1},
            {2, 2, 2.073971638055884, 0.3824889557284264, 1},
            {2, 3, 3.1620976304939576, 0.03588460947728123, 1},
            {3, 0, 1.9145990619374125, 0.6290464091208505, 0},
            {3, 1, 3.7425121850102916, -1.5909571370048894, 0},
            {3, 2, -7.498327647781191, 0.7062654536702196, 0},
            {3, 3, -6.359580934463699, 0.0762029411628114, 0},
            {4, 0, 2.2529732606311392, 0.4252901631660435, 1},
            {4, 1, 3.062041619221581, 0.11522314945048609, 1},
            {4, 2, 0.18050832080693024, -1.2452532744404219, 1},
            {4, 3, -4.973718387657941, 1.9408867347863827, 1},
            {5, 0, -0.645562630556091, -0.33344562199060135, 0},
            {5, 1, 0.7746180444008712, -0.7857887789123897, 0},
            {5, 2, -8.533376781940188, 0.8208646192352356, 0},
            {5, 3, -5.739355016809532, 0.066717283455255, 0},
            {6, 0, -3.6843718433057875, 2.0575537835393343, 1},
            {6, 1, 1.0461852379002796, 1.1229726044211366, 1},
            {6, 2, -6.845779210547936, 1.7605377649747278, 1},
            {6, 3, -7.029641070074205, 1.5778642243424692, 1},
            {7, 0, 1.107169493637079, -1.2207045484636165, 0},
            {7, 1, 3.1685228844793936, -1.4606424319348124, 0},
            {7, 2, 1.4434317139727648, -1.718859508413769, 0},
            {7, 3, -2.3781028217282985, -1.081243935816087, 0},
            {8, 0, 4.264653236909317, -0.9953592180470737, 1},
            {8, 1, 6.039643728719018, -1.6042074029946747, 1},
            {8, 2, -4.463756350064252, -0.026094235014019303, 1},
            {8, 3, 0.2618328159291734, -1.8312457695729043, 1},
            {9, 0, 5.076727622506338, -0.5560187097161834, 0},
            {9, 1, 1.5866695716401187, -0.24796919430693254, 0},
            {9, 2, -2.7849698356994006, -0.043620482181534026, 0},
            {9, 3, -0.9957031238009721, -0.4873920068011075, 0},
            {10, 0, 11.59672878979637, -1.944915617087155, 1},
            {10, 1, -0.6140078517610053, -0.44521112719180866, 1},
            {10, 2, -6.54121951755479, 0.09651464492583739, 1},
            {10, 3, -12.782605591294544, 1.87757218681022, 1},
            {11, 0, -4.793597601498451, 1.6988329864311589, 0},
            {11, 1, -4.068895580076166, 0.5356720265050676, 0},
            {11, 2, -9.490942341675392, -0.7577292381324051, 0},
            {11, 3, -16.331937432765926, 1.3583965934383035, 0},
            {12, 0, 4.647061962581267, 0.08583903039749817, 1},
            {12, 1, 4.5543610787217705, 1.0374926588250566, 1},
            {12, 3, 0.7129923148629512, 0.21338143124693898, 1},
    };

    /**
     * The shrunk sample of the property (jqwik seed 8720825346530103025): y ~ 1 + time + x + level1 with x varying over
     * the occasions, a free 4 × 4 Σ, no random effects, ML. Newton from the moment start alone converges at Δ =
     * 112.2805 (smallest Hessian eigenvalue 0.027, Σ̂ positive definite); the lower minimum is Δ = 112.0760.
     */
    @Test
    void marginalFreeSigmaWithATimeVaryingCovariateReachesTheLowerMinimum() {
        FitResult r = new NewtonEstimator().fit(marginalModel(), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(112.07598441953849, r.criterion(), 1e-6 * 112.07598441953849);
    }

    /**
     * The crossed model of seed 728 ((x | a) + (1 | c), Ω_a free, Σ = σ²I, ML; 32 rows). Newton from the moment start
     * alone converges at Δ = 118.7271 on the boundary (Ω̂_a singular, the Karush–Kuhn–Tucker sign met, the Hessian in
     * Cholesky coordinates positive definite); the lower minimum, inside, is Δ = 118.7223.
     */
    @Test
    void crossedTermsReachTheLowerMinimum() {
        FitResult r = new NewtonEstimator().fit(NestedFrames.crossedModel(728).model(), FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(118.72226477422767, r.criterion(), 1e-6 * 118.72226477422767);
    }

    private static MixedModel marginalModel() {
        List<Group> groups = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (double t : TIMES) {
            labels.add(Double.toString(t));
        }
        for (int from = 0; from < ROWS.length; ) {
            int to = from;
            while (to < ROWS.length && ROWS[to][0] == ROWS[from][0]) {
                to++;
            }
            int m = to - from;
            double[] y = new double[m];
            double[] x = new double[4 * m];
            int[] occasion = new int[m];
            for (int j = 0; j < m; j++) {
                double[] row = ROWS[from + j];
                occasion[j] = (int) row[1];
                y[j] = row[2];
                double[] xj = {1, TIMES[occasion[j]], row[3], row[4]};
                System.arraycopy(xj, 0, x, 4 * j, 4);
            }
            groups.add(new Group("g" + (int) ROWS[from][0], y, x, new double[0], occasion));
            from = to;
        }
        ModelData data = new ModelData(groups, List.of("(Intercept)", "time", "x", "level1"), List.of(), "y", "g",
                labels, 0, List.of());
        return new MixedModel(data, Discovered.structure("free"), null, Method.ML);
    }
}
