package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.testkit.Dental;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lmm4j.formula.Tables.table;

/** Every kind of bad input gets one line that names what is wrong and where. */
class ModelCompilerErrorsTest {

    private static String message(DataTable t, String formula, CompileOptions o) {
        InputException e = assertThrows(InputException.class, () -> ModelCompiler.compile(t, formula, o));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static String dental(String formula, CompileOptions o) {
        return message(Dental.table(), formula, o);
    }

    /** The dental table with one cell replaced. */
    private static DataTable dentalWith(int column, int row, String value) {
        DataTable t = Dental.table();
        List<String[]> cols = new ArrayList<>(t.columns());
        String[] c = cols.get(column).clone();
        c[row] = value;
        cols.set(column, c);
        return new DataTable(t.source(), t.names(), cols);
    }

    @Test
    void unknownColumnNamesItsPositionAClosMatchAndTheColumns() {
        String m = dental("distance ~ agee + (1 | Subject)", CompileOptions.none());
        assertEquals("formula error at column 12: unknown column \"agee\" in \"distance ~ agee + (1 | Subject)\";"
                + " did you mean \"age\"? The columns of orthodont.csv are: distance, age, Subject, Sex", m);
        assertTrue(dental("distance ~ age + (1 | subj)", CompileOptions.none()).contains("unknown column \"subj\""));
        assertTrue(dental("dist ~ age", CompileOptions.none()).contains("column 1: unknown column \"dist\""));
        // the first unknown column in the formula is the one reported
        assertTrue(dental("distance ~ zz + yy + xx", CompileOptions.none()).contains("column 12: unknown column \"zz\""));
    }

    @Test
    void unbalancedParenthesisNamesItsColumn() {
        assertEquals("formula error at column 18: unbalanced parenthesis in \"distance ~ age + (age | Subject\"",
                dental("distance ~ age + (age | Subject", CompileOptions.none()));
    }

    @Test
    void textInANumericColumnNamesFileLineAndColumn() {
        String m = message(dentalWith(1, 15, "abc"), "distance ~ age", CompileOptions.none());
        assertEquals("orthodont.csv line 17 (data row 16), column \"age\": \"abc\" is not a number", m);
        // the response too
        m = message(dentalWith(0, 3, "2O.5"), "distance ~ age", CompileOptions.none());
        assertEquals("orthodont.csv line 5 (data row 4), column \"distance\": \"2O.5\" is not a number", m);
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        for (String bad : List.of("NaN", "Inf", "-Infinity", "1e999", "-1e308")) {
            String m = message(dentalWith(1, 0, bad), "distance ~ age", CompileOptions.none());
            assertEquals("orthodont.csv line 2 (data row 1), column \"age\": \"" + bad + "\" is not a finite number (or exceeds 1e150 in magnitude)", m);
        }
    }

    @Test
    void textResponseIsAnError() {
        String m = dental("Sex ~ age", CompileOptions.none());
        assertEquals("orthodont.csv line 2 (data row 1), column \"Sex\": the response must be numeric, found \"Male\"", m);
    }

    @Test
    void constantResponse() {
        DataTable t = table("y,x", "3.5,1", "3.5,2", "3.5,3");
        assertEquals("response \"y\" is constant (all values 3.5)", message(t, "y ~ x", CompileOptions.none()));
    }

    @Test
    void emptyDataAndNoRowsLeft() {
        DataTable empty = new DataTable("e.csv", List.of("y", "x"), List.of(new String[0], new String[0]));
        assertEquals("e.csv has no data rows", message(empty, "y ~ x", CompileOptions.none()));
        DataTable holes = table("y,x", "1,", ",2", "NA,3");
        String m = message(holes, "y ~ x", CompileOptions.none());
        assertTrue(m.startsWith("no rows left: every one of the 3 rows of t.csv misses a value"), m);
    }

    @Test
    void copiedColumnsMakeXRankDeficient() {
        DataTable t = table("y,x1,x2,g", "1,1,1,a", "3,2,2,a", "2,3,3,b", "5,4,4,b", "4,6,6,c");
        assertEquals("the fixed-effects design is rank deficient: column \"x2\" is a linear combination of \"x1\"",
                message(t, "y ~ x1 + x2", CompileOptions.none()));
    }

    @Test
    void affineCombinationNamesEveryColumnInvolved() {
        DataTable t = table("y,x1,x2,x3", "1,1,5,0.3", "3,2,7,0.1", "2,3,9,0.7", "5,4,11,0.2", "4,6,15,0.9");
        assertEquals("the fixed-effects design is rank deficient: column \"x2\" is a linear combination of"
                + " \"(Intercept)\", \"x1\"", message(t, "y ~ x1 + x2 + x3", CompileOptions.none()));
        // a factor whose indicators add up to the intercept, and a subject-level covariate aliased with subjects
        String m = dental("distance ~ Sex + Subject", CompileOptions.none());
        // SubjectF11 = SexFemale − SubjectF01 − ... − SubjectF10 (M01 is the reference subject)
        assertEquals("the fixed-effects design is rank deficient: column \"SubjectF11\" is a linear combination of"
                + " \"SexFemale\", \"SubjectF01\", \"SubjectF02\", \"SubjectF03\", \"SubjectF04\", \"SubjectF05\","
                + " \"SubjectF06\", \"SubjectF07\", ... (11 columns)", m);
    }

    @Test
    void nearlyCollinearButFullRankIsAccepted() {
        DataTable t = table("y,x", "1,1000", "3,1001", "2,1002", "5,1003", "4,1004.5");
        assertEquals(List.of("(Intercept)", "x"), ModelCompiler.compile(t, "y ~ x", CompileOptions.none()).data()
                .fixedNames());
    }

    @Test
    void timeColumnAbsentFromTheFile() {
        assertEquals("--time column \"visit\" is not in orthodont.csv; columns are: distance, age, Subject, Sex",
                dental("distance ~ age", new CompileOptions("visit", "Subject")));
    }

    @Test
    void groupColumnAbsentFromTheFile() {
        assertEquals("group column \"child\" is not in orthodont.csv; columns are: distance, age, Subject, Sex",
                dental("distance ~ age", new CompileOptions(null, "child")));
    }

    @Test
    void twoRowsOfAGroupAtOneOccasion() {
        DataTable t = table("y,t,g", "1,1,a", "2,2,a", "3,1,b", "5,1,a");
        assertEquals("group \"a\" has two rows at occasion \"1\" of time column \"t\" (t.csv lines 2 and 5)",
                message(t, "y ~ 1", new CompileOptions("t", "g")));
        // the dental data with --time age but no grouping: every row is its own group, so no clash
        assertEquals(108, Dental.compile("distance ~ age", new CompileOptions("age", null)).data().groupCount());
    }

    @Test
    void aMisspeltStructureListsTheKnownOnes() {
        String m = dental("distance ~ age + sc(1 + age | Subject)",
                CompileOptions.none().withStructures(java.util.Set.of("free", "diagonal", "cs", "ar1", "toeplitz")));
        assertEquals("formula error at column 18: unknown covariance structure \"sc\" in"
                + " \"distance ~ age + sc(1 + age | Subject)\"; known structures: ar1, cs, diag (diagonal), diagonal,"
                + " free, toep (toeplitz), toeplitz, us (free)", m);
    }

    @Test
    void singleLevelFactorHasNoContrasts() {
        DataTable t = table("y,x,s", "1,1,m", "3,2,m", "2,3,m");
        assertTrue(message(t, "y ~ x + s", CompileOptions.none()).startsWith("factor \"s\" has only one level (\"m\")"));
    }

    @Test
    void responseOnBothSides() {
        assertTrue(dental("distance ~ distance + age", CompileOptions.none())
                .contains("the response \"distance\" also appears on the right-hand side"));
    }

    @Test
    void everyGroupASingleRowCannotCarryRandomEffects() {
        DataTable t = new DataTable("one.csv", List.of("y", "x", "g"), List.of(
                new String[] {"1.0", "2.5", "0.7", "3.1"}, new String[] {"1", "2", "3", "4"},
                new String[] {"a", "b", "c", "d"}));
        assertTrue(message(t, "y ~ x + (1 | g)", CompileOptions.none())
                .startsWith("grouping factor \"g\" has 4 levels for 4 observations"));
        // a random slope needs fewer than levels × 2 random effects than rows
        DataTable t2 = new DataTable("two.csv", List.of("y", "x", "g"), List.of(
                new String[] {"1.0", "2.5", "0.7", "3.1"}, new String[] {"1", "2", "3", "4"},
                new String[] {"a", "a", "b", "b"}));
        assertTrue(message(t2, "y ~ x + (x | g)", CompileOptions.none())
                .startsWith("the model has 2 × 2 = 4 random effects for 4 observations"));
        DataTable t3 = new DataTable("three.csv", List.of("y", "x", "g"), List.of(
                new String[] {"1.0", "2.5", "0.7", "3.1"}, new String[] {"1", "2", "3", "4"},
                new String[] {"a", "a", "a", "a"}));
        assertTrue(message(t3, "y ~ x + (1 | g)", CompileOptions.none()).contains("has a single level"));
    }

    @Test
    void aGroupOfOneRowAmongLargerGroupsIsLegal() {
        DataTable t = new DataTable("mixed.csv", List.of("y", "x", "g"), List.of(
                new String[] {"1.0", "2.5", "0.7", "3.1", "2.2"}, new String[] {"1", "2", "3", "4", "5"},
                new String[] {"a", "a", "b", "b", "c"}));
        assertEquals(3, ModelCompiler.compile(t, "y ~ x + (1 | g)", CompileOptions.none()).data().groupCount());
    }
}
