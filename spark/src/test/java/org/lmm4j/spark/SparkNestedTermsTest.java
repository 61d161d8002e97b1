package org.lmm4j.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;

/**
 * Random terms nested within one factor on Spark: each partition regroups its whole outer groups with the slots
 * padded to the whole data's ({@code NestedTerms.ofPart}), so the fit is the in-process one; crossed terms are refused.
 */
class SparkNestedTermsTest {

    @BeforeAll
    static void start() {
        SparkFitTest.plugins = Guice.createInjector(new Lmm4jModule()).getInstance(org.lmm4j.app.Plugins.class);
        SparkFitTest.spark = LocalSpark.get();
    }

    @Test
    void pastesAndTwoTermSleepstudyAreTheInProcessFits() {
        for (Method m : Method.values()) {
            fitBoth("pastes.csv", "strength ~ 1 + (1|batch/cask)", m);
            // batches A–E lost cask c: partitions holding only those have two inner levels per group, not three
            fitBoth("pastes-unbalanced.csv", "strength ~ 1 + (1|batch/cask)", m);
            fitBoth("sleepstudy.csv", "Reaction ~ Days + (1|Subject) + (0 + Days|Subject)", m);
        }
    }

    private static void fitBoth(String file, String formula, Method m) {
        DataTable table = CsvTableReader.read(SparkFitTest.resource(file));
        FitResult expected = SparkFitTest.inProcess(table, formula, "scalar", null, null, m);
        FitResult actual = SparkFit.fit(SparkFitTest.spark, SparkFitTest.csv(file), SparkFitTest.request(formula,
                "scalar", null, null, m, 3, PartitionProbe.NONE), SparkFitTest.plugins.estimator("newton"),
                FitOptions.defaults()).fit();
        SparkFitTest.assertSameFit(expected, actual, file + " " + formula + " " + m);
    }

    @Test
    void crossedTermsAreRefusedInOneLine() {
        InputException e = assertThrows(InputException.class, () -> SparkFit.fit(SparkFitTest.spark,
                SparkFitTest.csv("pastes.csv"), SparkFitTest.request("strength ~ 1 + (1|batch) + (1|cask)", "scalar",
                        null, null, Method.ML, 2, PartitionProbe.NONE), SparkFitTest.plugins.estimator("newton"),
                FitOptions.defaults()));
        assertTrue(e.getMessage().contains("crossed"), e.getMessage());
    }
}
