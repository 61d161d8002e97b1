package org.lmm4j.formula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.ModelData;

/**
 * Numbers used as labels — groups, factor levels, occasions — are compared by value, as R's {@code factor()} of a
 * column read by {@code read.csv} compares them: {@code 1}, {@code 1.0} and {@code 1e0} are one group (issue 15 item 4).
 */
class NumericLabelsTest {

    private static final DataTable TABLE = Tables.table("y,t,g",
            "1.2,1,1", "2.3,2,1.0", "3.1,3,1e0",
            "2.2,1,2", "3.9,2,2.00", "4.4,3,2",
            "0.7,1,3", "1.1,2,3.0", "2.8,3,03");

    @Test
    void oneAndOnePointZeroAreOneGroup() {
        ModelData d = ModelCompiler.compile(TABLE, "y ~ t + (1 | g)", CompileOptions.none()).data();
        assertEquals(3, d.groupCount());
        assertEquals(List.of("1", "2", "3"), d.groups().stream().map(g -> g.id()).toList());
        assertEquals(3, d.groups().get(0).size());
    }

    @Test
    void oneAndOnePointZeroAreOneFactorLevel() {
        ModelData d = ModelCompiler.compile(TABLE, "y ~ factor(g)", CompileOptions.none()).data();
        assertEquals(List.of("(Intercept)", "factor(g)2", "factor(g)3"), d.fixedNames());
    }

    @Test
    void oneAndOnePointZeroAreOneOccasion() {
        DataTable t = Tables.table("y,t,g", "1,1,a", "2,2.0,a", "3,1.0,b", "4,2,b", "5,1,c", "6.5,2,c");
        ModelData d = ModelCompiler.compile(t, "y ~ 1 + (1 | g)", new CompileOptions("t", null)).data();
        assertEquals(List.of("1", "2"), d.occasionLabels());
    }

    @Test
    void textLabelsStayText() {
        DataTable t = Tables.table("y,t,g", "1,1,a1", "2,2,A1", "3,1,b", "4,2,b", "5,1,a1", "6.5,2,a1");
        ModelData d = ModelCompiler.compile(t, "y ~ t + (1 | g)", CompileOptions.none()).data();
        assertEquals(List.of("a1", "A1", "b"), d.groups().stream().map(g -> g.id()).toList());
    }

    @Test
    void aHugeCellIsCutInTheMessageWithItsPosition() {
        String huge = "z".repeat(10_000_000);
        DataTable t = Tables.table("y,t,g", "1,1,a", "2,2,a", "3," + huge + ",b", "4,2,b", "5,1,c");
        InputException e = assertThrows(InputException.class,
                () -> ModelCompiler.compile(t, "y ~ t + (1 | g)", CompileOptions.none()));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().contains("line 4 (data row 3), column \"t\""), e.getMessage());
        assertTrue(e.getMessage().contains("(10000000 characters)"), e.getMessage());
    }

    @Test
    void aHugeFormulaIsCutInTheMessage() {
        String formula = "y ~ t" + " + t".repeat(25_000) + " + nosuch";
        InputException e = assertThrows(InputException.class,
                () -> ModelCompiler.compile(TABLE, formula, CompileOptions.none()));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters: " + e.getMessage());
        assertTrue(e.getMessage().contains("unknown column \"nosuch\""), e.getMessage());
        assertTrue(e.getMessage().contains("(" + formula.length() + " characters)"), e.getMessage());
    }

    @Test
    void aNameWithBlanksHintsAtBackticks() {
        DataTable t = Tables.table("y (cm),t,g", "1,1,a", "2,2,a", "3,1,b", "4,2,b", "5,1,c");
        InputException e = assertThrows(InputException.class,
                () -> ModelCompiler.compile(t, "y ~ t + (1 | g)", CompileOptions.none()));
        assertTrue(e.getMessage().contains("`y (cm)`"), e.getMessage());
    }

    @Test
    void aNameInBackticksIsAColumn() {
        DataTable t = Tables.table("y (cm),t,g", "1,1,a", "2,2,a", "3,1,b", "4.5,2,b", "5,1,c", "5.5,2,c");
        ModelData d = ModelCompiler.compile(t, "`y (cm)` ~ t + (1 | g)", CompileOptions.none()).data();
        assertEquals("y (cm)", d.response());
        assertEquals(6, d.observations());
    }
}
