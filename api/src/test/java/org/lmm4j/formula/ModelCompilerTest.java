package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dental;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lmm4j.formula.Tables.table;

/** The dental data compiled with the paper's formulas, and the compiler's rules for factors, groups and occasions. */
class ModelCompilerTest {

    @Test
    void dentalRandomInterceptAndSlopeByGender() {
        CompiledModel m = Dental.compile("distance ~ Sex*age + (age | Subject)");
        ModelData d = m.data();
        assertEquals("free", m.omegaStructure());
        assertEquals(27, d.groupCount());
        assertEquals(108, d.observations());
        assertEquals(List.of("(Intercept)", "SexFemale", "age", "SexFemale:age"), d.fixedNames());
        assertEquals(List.of("(Intercept)", "age"), d.randomNames());
        assertEquals("distance", d.response());
        assertEquals("Subject", d.grouping());
        assertEquals(0, d.droppedRows());
        assertTrue(d.notes().contains("Sex: reference level \"Male\""), d.notes().toString());
        Group m01 = d.groups().get(0);
        assertEquals("M01", m01.id());
        assertArrayEquals(new double[] {26, 25, 29, 31}, m01.y());
        assertArrayEquals(new double[] {1, 0, 8, 0, 1, 0, 10, 0, 1, 0, 12, 0, 1, 0, 14, 0}, m01.x());
        assertArrayEquals(new double[] {1, 8, 1, 10, 1, 12, 1, 14}, m01.z());
        Group f01 = d.groups().stream().filter(g -> g.id().equals("F01")).findFirst().orElseThrow();
        assertArrayEquals(new double[] {1, 1, 8, 8}, Arrays.copyOf(f01.x(), 4));
        // without --time the occasions are positions within the group
        assertEquals(List.of("1", "2", "3", "4"), d.occasionLabels());
        assertArrayEquals(new int[] {0, 1, 2, 3}, m01.occasion());
    }

    @Test
    void dentalLinePerSubjectHasFullIndicatorCoding() {
        ModelData d = Dental.compile("distance ~ 0 + Subject + Subject:age").data();
        assertEquals(54, d.p());
        assertEquals("SubjectM01", d.fixedNames().get(0));
        assertEquals("SubjectM02", d.fixedNames().get(1));
        assertEquals("SubjectM01:age", d.fixedNames().get(27));
        assertEquals(0, d.q());
        assertNull(d.grouping());
        assertEquals(108, d.groupCount(), "without a random term or a group column every row is its own group");
        assertEquals("1", d.groups().get(0).id());
        double[] row1 = d.groups().get(0).x(); // M01 at age 8
        assertEquals(1.0, row1[0]);
        assertEquals(8.0, row1[27]);
        assertEquals(9.0, Arrays.stream(row1).sum());
    }

    @Test
    void dentalGlsWithTimeColumnHasFourOccasions() {
        CompiledModel m = Dental.compile("distance ~ Sex*age", new CompileOptions("age", "Subject"));
        ModelData d = m.data();
        assertNull(m.omegaStructure());
        assertEquals(27, d.groupCount());
        assertEquals(List.of("8", "10", "12", "14"), d.occasionLabels());
        for (Group g : d.groups()) {
            assertArrayEquals(new int[] {0, 1, 2, 3}, g.occasion());
        }
        ModelData mixed = Dental.compile("distance ~ Sex*age + (age | Subject)", new CompileOptions("age", null)).data();
        assertEquals(List.of("8", "10", "12", "14"), mixed.occasionLabels());
        assertEquals(27, mixed.groupCount());
    }

    @Test
    void diagonalRandomTermAsksForDiagonalOmega() {
        CompiledModel m = Dental.compile("distance ~ age + (age || Subject)");
        assertEquals("diagonal", m.omegaStructure());
        assertEquals(List.of("(Intercept)", "age"), m.data().randomNames());
        assertEquals(List.of("(Intercept)"), Dental.compile("distance ~ age + (1 | Subject)").data().randomNames());
        assertEquals(List.of("age"), Dental.compile("distance ~ age + (0 + age | Subject)").data().randomNames());
    }

    @Test
    void interceptRemovalSpellingsAgree() {
        for (String f : List.of("distance ~ 0 + age", "distance ~ age + 0", "distance ~ age - 1", "distance ~ -1 + age")) {
            assertEquals(List.of("age"), Dental.compile(f).data().fixedNames(), f);
        }
        assertEquals(List.of("(Intercept)", "age"), Dental.compile("distance ~ 1 + age").data().fixedNames());
        assertEquals(List.of("SexMale", "SexFemale"), Dental.compile("distance ~ 0 + Sex").data().fixedNames());
    }

    @Test
    void factorOfNumericColumnUsesContrasts() {
        ModelData d = Dental.compile("distance ~ factor(age)").data();
        assertEquals(List.of("(Intercept)", "factor(age)10", "factor(age)12", "factor(age)14"), d.fixedNames());
        assertTrue(d.notes().contains("factor(age): reference level \"8\""), d.notes().toString());
    }

    @Test
    void interactionWithoutMainEffectsAndTermOrder() {
        // variables inside a term are ordered by first appearance in the formula, as in R
        assertEquals(List.of("(Intercept)", "age", "age:SexFemale"),
                Dental.compile("distance ~ age + Sex:age").data().fixedNames());
        // R orders terms by degree: the main effect comes before the interaction written first
        assertEquals(List.of("(Intercept)", "age", "age:SexFemale"),
                Dental.compile("distance ~ age:Sex + age").data().fixedNames());
        // without the main effect of age, Sex gets full indicator coding inside age:Sex (R's rule)
        assertEquals(List.of("(Intercept)", "age:SexMale", "age:SexFemale"),
                Dental.compile("distance ~ age:Sex").data().fixedNames());
        assertEquals(List.of("(Intercept)", "SexFemale", "age", "SexFemale:age"),
                Dental.compile("distance ~ Sex + age + Sex:age + Sex*age").data().fixedNames());
    }

    @Test
    void missingCellsDropRowsAndAreCounted() {
        DataTable t = Dental.table();
        List<String[]> cols = new ArrayList<>(t.columns());
        String[] dist = cols.get(0).clone();
        dist[0] = null;
        dist[5] = null;
        String[] sex = cols.get(3).clone();
        sex[7] = null;
        cols.set(0, dist);
        cols.set(3, sex);
        ModelData d = ModelCompiler.compile(new DataTable("x.csv", t.names(), cols), "distance ~ Sex + (1 | Subject)",
                CompileOptions.none()).data();
        assertEquals(105, d.observations());
        assertEquals(3, d.droppedRows());
        assertTrue(d.notes().contains("3 rows with missing values dropped"), d.notes().toString());
        assertArrayEquals(new double[] {25, 29, 31}, d.groups().get(0).y());
        // a column the model does not use loses nothing
        ModelData all = ModelCompiler.compile(new DataTable("x.csv", t.names(), List.of(cols.get(1), cols.get(1),
                cols.get(2), cols.get(3))), "age ~ Sex", CompileOptions.none()).data();
        assertEquals(107, all.observations());
    }

    @Test
    void missingOccasionsAndUnbalancedGroupsAreNormal() {
        DataTable t = table("y,t,g", "1,1,a", "2,3,a", "3,2,b", "5,1,c", "4,3,c", "6,2,c");
        ModelData d = ModelCompiler.compile(t, "y ~ 1", new CompileOptions("t", "g")).data();
        assertEquals(List.of("1", "2", "3"), d.occasionLabels());
        assertArrayEquals(new int[] {0, 2}, d.groups().get(0).occasion());
        assertArrayEquals(new int[] {1}, d.groups().get(1).occasion());
        assertArrayEquals(new int[] {0, 2, 1}, d.groups().get(2).occasion(), "rows stay in file order");
        assertEquals(List.of("a", "b", "c"), d.groups().stream().map(Group::id).toList());
    }

    @Test
    void textTimeColumnKeepsOrderOfAppearanceAndGroupsInterleave() {
        DataTable t = table("y,visit,g", "1,pre,b", "2,pre,a", "3,post,b", "4,post,a", "7,mid,a");
        ModelData d = ModelCompiler.compile(t, "y ~ 1 + (1 | g)", new CompileOptions("visit", null)).data();
        assertEquals(List.of("pre", "post", "mid"), d.occasionLabels());
        assertEquals("b", d.groups().get(0).id());
        assertArrayEquals(new double[] {2, 4, 7}, d.groups().get(1).y());
        assertArrayEquals(new int[] {0, 1, 2}, d.groups().get(1).occasion());
    }

    @Test
    void numericTimeColumnSortsNumericallyAndLabelsDecimals() {
        DataTable t = table("y,t,g", "1,10,a", "2,9.5,a", "3,2,b", "5,10.0,b");
        ModelData d = ModelCompiler.compile(t, "y ~ 1", new CompileOptions("t", "g")).data();
        assertEquals(List.of("2", "9.5", "10"), d.occasionLabels());
        assertArrayEquals(new int[] {2, 1}, d.groups().get(0).occasion());
    }

    @Test
    void groupsOfSizeOneAreLegal() {
        DataTable t = table("y,x,g", "1,1,a", "2,2,b", "4,3,b", "3,4,c");
        ModelData d = ModelCompiler.compile(t, "y ~ x + (1 | g)", CompileOptions.none()).data();
        assertEquals(3, d.groupCount());
        assertEquals(1, d.groups().get(0).size());
    }

    @Test
    void explicitGroupColumnMustMatchTheRandomTerm() {
        InputException e = assertThrows(InputException.class,
                () -> Dental.compile("distance ~ age + (1 | Subject)", new CompileOptions(null, "Sex")));
        assertTrue(e.getMessage().contains("\"Sex\"") && e.getMessage().contains("\"Subject\""), e.getMessage());
    }
}
