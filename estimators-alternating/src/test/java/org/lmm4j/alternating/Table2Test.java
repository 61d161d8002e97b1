package org.lmm4j.alternating;

import org.lmm4j.testkit.Dental;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.likelihood.ProfiledDeviance;

/** The paper's Table 2: Σ̂ of the gender/free model, variances and correlations. */
class Table2Test {

    private static final double[] PAPER_VARIANCES = {5.12, 3.93, 5.98, 4.62};
    private static final double[] VARIANCES = {5.1192, 3.9280, 5.9798, 4.6180};
    /** r(8,10), r(8,12), r(8,14), r(10,12), r(10,14), r(12,14). */
    private static final double[] PAPER_CORRELATIONS = {0.54, 0.65, 0.52, 0.56, 0.72, 0.73};
    private static final double[] CORRELATIONS = {0.54434, 0.65257, 0.51875, 0.56072, 0.71903, 0.72759};

    @Test
    void genderFreeSigmaReproducesTable2() {
        check(new AlternatingEstimator().fit(Dental.model(Dental.GENDER, "free", Method.ML),
                FitOptions.defaults()));
    }

    @Test
    void theScoringStepFindsTheSameSigmaAsTheClosedForm() {
        // the scoring θ-step alone (no closed form, no Newton finish)
        org.lmm4j.api.Estimator scoringOnly = new org.lmm4j.api.Estimator() {
            @Override
            public String name() {
                return "alternating-scoring";
            }

            @Override
            public String description() {
                return "alternating with the scoring θ-step everywhere";
            }

            @Override
            public org.lmm4j.api.EstimatorRun minimise(ProfiledDeviance c, double[] start, FitOptions o) {
                return new AlternatingRun(c, o, false).run(start);
            }
        };
        check(scoringOnly.fit(Dental.model(Dental.GENDER, "free", Method.ML),
                FitOptions.defaults().withFinish(org.lmm4j.api.Finish.NONE)));
    }

    private static void check(FitResult r) {
        assertEquals(FitStatus.CONVERGED, r.status(), r.reason());
        assertEquals(220.9863, r.criterion(), 1e-3);
        double[][] s = r.sigma();
        double[] variances = new double[4];
        double[] correlations = new double[6];
        int c = 0;
        for (int i = 0; i < 4; i++) {
            variances[i] = s[i][i];
            for (int j = i + 1; j < 4; j++) {
                correlations[c++] = s[i][j] / Math.sqrt(s[i][i] * s[j][j]);
            }
        }
        assertArrayEquals(PAPER_VARIANCES, round2(variances), 1e-12);
        assertArrayEquals(PAPER_CORRELATIONS, round2(correlations), 1e-12);
        assertArrayEquals(VARIANCES, variances, 1e-3);
        assertArrayEquals(CORRELATIONS, correlations, 1e-4);
        assertArrayEquals(new double[] {15.84230, 1.58307, 0.82680, -0.35044}, r.fixedEffects(), 1e-4);
    }

    private static double[] round2(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.round(a[i] * 100) / 100.0;
        }
        return out;
    }
}
