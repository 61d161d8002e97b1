package org.lmm4j.app.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.Method;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.data.DataTable;
import org.lmm4j.inference.Analysis;
import org.lmm4j.inference.AnovaTable;
import org.lmm4j.inference.FittedModel;
import org.lmm4j.inference.FixedEffectTest;
import org.lmm4j.inference.Interval;
import org.lmm4j.inference.Predictions;
import org.lmm4j.newton.NewtonEstimator;
import org.lmm4j.structures.FreeStructure;
import org.lmm4j.structures.ScalarStructure;

/** The Java example of the README ("Inference from Java"), compiled and run as it is printed there. */
class ReadmeExampleTest {

    @Test
    void readmeExample() {
        // --- README example start
        DataTable table = BundledData.dental();           // or CsvTableReader.read(Path.of("my.csv"))
        Analysis lmm = new Analysis(new NewtonEstimator(), List.of(new ScalarStructure(), new FreeStructure()));
        FittedModel m0 = lmm.fit(table, "distance ~ age + (1 | Subject)", Method.REML);
        FittedModel m1 = lmm.fit(table, "distance ~ age + (age | Subject)", Method.REML);

        List<FixedEffectTest> tests = m1.tests();        // Satterthwaite df, t, p (lmerTest)
        AnovaTable lrt = m0.anova(m1);                    // refitted by ML, as lme4's anova(m0, m1)
        List<Interval> profile = m1.confint();            // confint(m1, method = "profile")
        List<Interval> boot = m1.bootstrap(200, 1).intervals();
        Predictions fitted = m1.fitted();                 // predict(m1)
        Predictions atNine = m1.predict(new DataTable("new", List.of("age", "Subject"),
                List.of(new String[] {"9"}, new String[] {"M01"})));
        // --- README example end

        assertEquals(2, tests.size());
        assertEquals(2, lrt.rows().size());
        assertEquals(6, profile.size());
        assertEquals(6, boot.size());
        assertEquals(108, fitted.rows().length);
        assertTrue(Double.isFinite(atNine.fitted()[0]) && atNine.newLevelRows() == 0);
    }
}
