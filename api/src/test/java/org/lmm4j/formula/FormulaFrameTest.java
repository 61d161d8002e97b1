package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Formulas with several random terms compile to a {@link ModelFrame} whose terms are lme4's: the same groups, level
 * counts, columns and every non-zero of Z (lme4's {@code getME(m, "Zt")}, from {@code make-references.R}).
 */
class FormulaFrameTest {

    private static ModelFrame frame(String data, String formula) {
        CompiledModel m = ModelCompiler.compile(RCsv.table(data), formula, CompileOptions.none());
        assertNull(m.data());
        assertNull(m.omegaStructure());
        assertNotNull(m.frame());
        return m.frame();
    }

    /** Every term's group, level count and columns, then every entry of lme4's Zt, against the frame. */
    private static void matchesLme4(String model, ModelFrame frame) {
        Map<String, RandomEffectsTerm> byKey = new HashMap<>();
        for (RandomEffectsTerm t : frame.terms()) {
            for (String c : t.columnNames()) {
                byKey.put(t.group() + "|" + c, t);
            }
        }
        int terms = 0;
        for (List<String> row : RCsv.rows("terms.csv").subList(1, RCsv.rows("terms.csv").size())) {
            if (!row.get(0).equals(model)) {
                continue;
            }
            terms++;
            RandomEffectsTerm t = byKey.get(row.get(2) + "|" + row.get(5).split(";")[0]);
            assertNotNull(t, "no term " + row.get(2) + " in " + frame.terms().stream().map(RandomEffectsTerm::group).toList());
            assertEquals(Integer.parseInt(row.get(3)), t.levelCount(), row.get(2));
            assertEquals(List.of(row.get(5).split(";")), t.columnNames());
        }
        assertEquals(terms, frame.terms().size());
        int entries = 0;
        for (List<String> row : RCsv.rows("zt.csv")) {
            if (!row.get(0).equals(model)) {
                continue;
            }
            RandomEffectsTerm t = byKey.get(row.get(1) + "|" + row.get(4));
            int r = Integer.parseInt(row.get(2)) - 1;
            int column = t.columnNames().indexOf(row.get(4));
            assertEquals(row.get(3), t.levels().get(t.levelOfRow()[r]), "level of row " + (r + 1) + " in " + t.group());
            assertEquals(Double.parseDouble(row.get(5)), t.z()[r * t.q() + column], 0.0, "Z at row " + (r + 1));
            entries++;
        }
        long nonZero = 0;
        for (RandomEffectsTerm t : frame.terms()) {
            for (double v : t.z()) {
                nonZero += v != 0 ? 1 : 0;
            }
        }
        assertEquals(nonZero, entries, "lme4's Zt holds the non-zeros of each term's rows");
    }

    @Test
    void sleepstudyInterceptAndSlopeAsTwoTermsOfOneFactor() {
        ModelFrame f = frame("sleepstudy.csv", "Reaction ~ Days + (1|Subject) + (0+Days|Subject)");
        assertEquals(180, f.observations());
        assertEquals(List.of("(Intercept)", "Days"), f.fixedNames());
        assertEquals(List.of("Subject", "Subject"), f.terms().stream().map(RandomEffectsTerm::group).toList());
        assertEquals(List.of("free", "free"), f.terms().stream().map(RandomEffectsTerm::structure).toList());
        matchesLme4("sleepstudy", f);
        // occasions: positions within Subject, 10 each
        assertEquals(10, f.occasionLabels().size());
    }

    @Test
    void pastesNestedCasksWithinBatches() {
        ModelFrame f = frame("pastes.csv", "strength ~ 1 + (1|batch/cask)");
        assertEquals(List.of("batch", "cask:batch"), f.terms().stream().map(RandomEffectsTerm::group).toList());
        assertEquals(List.of("batch", "cask"), f.terms().get(1).factors());
        assertEquals(10, f.terms().get(0).levelCount());
        assertEquals(30, f.terms().get(1).levelCount());
        matchesLme4("pastes", f);
    }

    @Test
    void penicillinCrossedPlatesAndSamples() {
        ModelFrame f = frame("penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)");
        assertEquals(List.of("plate", "sample"), f.terms().stream().map(RandomEffectsTerm::group).toList());
        matchesLme4("penicillin", f);
    }

    @Test
    void anInteractionGroupingIsOneTermAndTheSameAsTheNestedOne() {
        DataTable pastes = RCsv.table("pastes.csv");
        CompiledModel one = ModelCompiler.compile(pastes, "strength ~ 1 + (1 | cask:batch)", CompileOptions.none());
        assertNull(one.frame());
        assertEquals(30, one.data().groupCount());
        assertEquals("a:A", one.data().groups().get(0).id());
        ModelFrame nested = frame("pastes.csv", "strength ~ (1 | batch) + (1 | batch:cask)");
        assertEquals("batch:cask", nested.terms().get(1).group());
        assertEquals("A:a", nested.terms().get(1).levels().get(0));
        assertEquals(30, nested.terms().get(1).levelCount());
    }

    @Test
    void structuresNamedPerTerm() {
        ModelFrame f = frame("sleepstudy.csv", "Reaction ~ Days + cs(1 + Days | Subject) + diag(1 | Days)");
        assertEquals(List.of("cs", "diagonal"), f.terms().stream().map(RandomEffectsTerm::structure).toList());
        ModelFrame g = frame("sleepstudy.csv", "Reaction ~ Days + (Days || Subject) + toep(0 + factor(Days) | Days)");
        assertEquals(List.of("diagonal", "toeplitz"), g.terms().stream().map(RandomEffectsTerm::structure).toList());
        assertEquals(10, g.terms().get(1).q());
        CompiledModel one = ModelCompiler.compile(RCsv.table("sleepstudy.csv"), "Reaction ~ Days + cs(1 + Days | Subject)",
                CompileOptions.none());
        assertEquals("cs", one.omegaStructure());
        CompiledModel ar1 = ModelCompiler.compile(RCsv.table("pastes.csv"), "strength ~ 1 + ar1(0 + factor(cask) | batch)",
                CompileOptions.none());
        assertEquals("ar1", ar1.omegaStructure());
        assertEquals(List.of("factor(cask)a", "factor(cask)b", "factor(cask)c"), ar1.data().randomNames());
        assertEquals("myplugin", ModelCompiler.compile(RCsv.table("sleepstudy.csv"),
                "Reaction ~ Days + myplugin(1 | Subject)",
                CompileOptions.none().withStructures(java.util.Set.of("free", "myplugin"))).omegaStructure());
        assertTrue(one.data().randomNames().contains("Days"));
    }
}
