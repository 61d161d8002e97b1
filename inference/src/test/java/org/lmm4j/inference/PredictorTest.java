package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lmm4j.inference.SatterthwaiteTest.assertRelative;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.data.DataTable;
import org.lmm4j.newton.NewtonEstimator;

/** Fitted values of sleepstudy's REML fit against lme4's {@code predict(m)} and {@code predict(m, re.form = NA)}. */
class PredictorTest {

    private static FitResult remlFit() {
        return new NewtonEstimator().fit(Sleepstudy.model(Sleepstudy.SLOPE, Method.REML), FitOptions.defaults());
    }

    @Test
    void fittedValuesMatchLme4Predict() {
        Predictions p = Predictor.fitting(remlFit(), Sleepstudy.SLOPE, Sleepstudy.table());
        assertEquals(180, p.rows().length);
        for (int i = 0; i < 180; i++) {
            assertEquals(i, p.rows()[i]);
            assertRelative(Sleepstudy.figure("predict." + (i + 1)), p.fitted()[i], 1e-8, "row " + (i + 1) + " fitted");
            assertRelative(Sleepstudy.figure("predictFixed." + (i + 1)), p.fixed()[i], 1e-8, "row " + (i + 1) + " fixed");
            double y = Double.parseDouble(Sleepstudy.table().column("Reaction")[i]);
            assertEquals(y - p.fitted()[i], p.residual()[i], 1e-9);
        }
        assertEquals(0, p.newLevelRows());
    }

    @Test
    void newDataUsesTheBlupsOfKnownGroupsAndThePopulationLevelForNewOnes() {
        FitResult fit = remlFit();
        DataTable table = Sleepstudy.table();
        DataTable newData = new DataTable("new.csv", List.of("Days", "Subject"),
                List.of(new String[] {"0", "9", "4.5"}, new String[] {"308", "308", "999"}));
        Predictions p = Predictor.newData(fit, Sleepstudy.SLOPE, table, newData);
        assertRelative(Sleepstudy.figure("predict.1"), p.fitted()[0], 1e-8, "subject 308 day 0");
        assertRelative(Sleepstudy.figure("predict.10"), p.fitted()[1], 1e-8, "subject 308 day 9");
        assertEquals(fit.fixedEffects()[0] + 4.5 * fit.fixedEffects()[1], p.fitted()[2], 1e-9);
        assertEquals(p.fixed()[2], p.fitted()[2]);
        assertEquals(1, p.newLevelRows());
        assertTrue(Double.isNaN(p.residual()[0]));
        assertTrue(p.notes().get(0).contains("population level"), p.notes().toString());
    }

    @Test
    void aMissingCovariateIsAnInputErrorNamingTheColumn() {
        DataTable noDays = new DataTable("new.csv", List.of("Subject"), List.<String[]>of(new String[] {"308"}));
        InputException e = assertThrows(InputException.class,
                () -> Predictor.newData(remlFit(), Sleepstudy.SLOPE, Sleepstudy.table(), noDays));
        assertTrue(e.getMessage().contains("new.csv has no column 'Days'"), e.getMessage());
        DataTable naDays = new DataTable("new.csv", List.of("Days", "Subject"),
                List.of(new String[] {"1", "NA"}, new String[] {"308", "308"}));
        e = assertThrows(InputException.class,
                () -> Predictor.newData(remlFit(), Sleepstudy.SLOPE, Sleepstudy.table(), naDays));
        assertTrue(e.getMessage().contains("row 2, column 'Days'"), e.getMessage());
    }
}
