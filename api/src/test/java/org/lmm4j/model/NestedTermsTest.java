package org.lmm4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.testkit.HandFrames;

/**
 * The regrouping of a frame whose terms nest within one factor (docs/DESIGN.md §1, issue 13): groups by the outer
 * factor in order of appearance, rows in file order, one slot per inner level padded with zero columns, lme4's term
 * labels, BLUPs reported per real level only; crossed terms and too many random effects refused by name.
 */
class NestedTermsTest {

    /** Rows: (batch, cask, strength), batch A with casks a, b, c (c twice), batch B with cask a only. */
    private static ModelFrame unbalanced() {
        String[] batch = {"A", "A", "B", "A", "A", "B", "A"};
        String[] cask = {"a", "b", "a", "c", "a", "a", "c"};
        double[] y = {1, 2, 3, 4, 5, 6, 7};
        int n = y.length;
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("batch", List.of("batch"), batch, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"),
                HandFrames.term("cask:batch", List.of("batch", "cask"), HandFrames.interaction(cask, batch),
                        List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, "free"));
        return HandFrames.frame(y, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, "strength", terms);
    }

    @Test
    void groupsAreTheOuterLevelsWithOneSlotPerInnerLevelPaddedWithZeroColumns() {
        NestedTerms nt = NestedTerms.of(unbalanced());
        ModelData d = nt.data();
        assertEquals("batch", d.grouping());
        assertEquals(2, d.groupCount());
        assertEquals(List.of("A", "B"), List.of(d.groups().get(0).id(), d.groups().get(1).id()));
        // rows of a group in file order
        assertArrayEquals(new double[] {1, 2, 4, 5, 7}, d.groups().get(0).y());
        assertArrayEquals(new double[] {3, 6}, d.groups().get(1).y());
        NestedTerms.Term cask = nt.terms().get(1);
        assertEquals(3, cask.copies());
        assertEquals(1, cask.offset());
        assertEquals(4, d.q());
        assertEquals(List.of("(Intercept)|batch", "(Intercept)|cask:batch[1]", "(Intercept)|cask:batch[2]",
                "(Intercept)|cask:batch[3]"), d.randomNames());
        // batch A: casks a, b, c in order of appearance; row 4 (cask a) back in slot 1
        assertArrayEquals(new double[] {1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1},
                d.groups().get(0).z());
        // batch B: one cask, two padded slots with zero columns
        assertArrayEquals(new double[] {1, 1, 0, 0, 1, 1, 0, 0}, d.groups().get(1).z());
        assertArrayEquals(new int[] {2, -1, -1}, cask.levelOfSlot()[1]);
    }

    @Test
    void blupsOfPaddedSlotsAreNotReported() {
        NestedTerms nt = NestedTerms.of(unbalanced());
        double[][] blups = {{0.5, 1, 2, 3}, {-0.5, 4, 99, 99}};
        Map<String, double[]> casks = nt.effects(1, blups);
        assertEquals(List.of("a:A", "b:A", "a:B", "c:A"), new ArrayList<>(casks.keySet()));
        assertArrayEquals(new double[] {4}, casks.get("a:B"));
        assertArrayEquals(new double[] {3}, casks.get("c:A"));
        assertEquals(List.of("A", "B"), new ArrayList<>(nt.effects(0, blups).keySet()));
        assertEquals(Map.of("batch", 2, "cask:batch", 4), nt.levelCounts());
    }

    @Test
    void twoTermsOfOneFactorAreLabelledAsLme4Does() {
        String[] g = {"s1", "s1", "s2", "s2"};
        double[] t = {0, 1, 0, 1};
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("Subject", List.of("Subject"), g, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"),
                HandFrames.term("Subject", List.of("Subject"), g, List.of("Days"), new double[][] {t}, "free"));
        NestedTerms nt = NestedTerms.of(HandFrames.frame(new double[] {1, 2, 3, 4}, List.of("(Intercept)"),
                new double[][] {HandFrames.ones(4)}, "y", terms));
        assertEquals(List.of("Subject", "Subject.1"), List.of(nt.terms().get(0).label(), nt.terms().get(1).label()));
        assertEquals(2, nt.data().q());
        assertEquals(1, nt.terms().get(1).copies());
        assertArrayEquals(new double[] {1, 0, 1, 1}, nt.data().groups().get(0).z());
    }

    @Test
    void crossedTermsAreRefusedNamingThem() {
        String[] subject = {"s1", "s1", "s2", "s2"};
        String[] item = {"i1", "i2", "i1", "i2"};
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("subject", List.of("subject"), subject, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"),
                HandFrames.term("item", List.of("item"), item, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"));
        ModelFrame frame = HandFrames.frame(new double[] {1, 2, 3, 4}, List.of("(Intercept)"),
                new double[][] {HandFrames.ones(4)}, "y", terms);
        assertEquals(-1, NestedTerms.outerTerm(frame));
        InputException e = assertThrows(InputException.class, () -> NestedTerms.of(frame));
        assertTrue(e.getMessage().startsWith("crossed random terms (subject, item"), e.getMessage());
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
    }

    @Test
    void theOuterFactorNeedNotComeFirst() {
        String[] batch = {"A", "A", "B", "B"};
        String[] cask = {"a", "b", "a", "b"};
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("cask:batch", List.of("batch", "cask"), HandFrames.interaction(cask, batch),
                        List.of("(Intercept)"), new double[][] {HandFrames.ones(4)}, "free"),
                HandFrames.term("batch", List.of("batch"), batch, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"));
        NestedTerms nt = NestedTerms.of(HandFrames.frame(new double[] {1, 2, 3, 4}, List.of("(Intercept)"),
                new double[][] {HandFrames.ones(4)}, "y", terms));
        assertEquals(1, nt.outer());
        assertEquals("batch", nt.data().grouping());
        assertEquals(2, nt.terms().get(0).copies());
    }

    @Test
    void tooManyRandomEffectsPerGroupAreRefused() {
        int n = 402;
        String[] outer = new String[n];
        String[] inner = new String[n];
        for (int j = 0; j < n; j++) {
            outer[j] = "g";
            inner[j] = "l" + j / 2;
        }
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("g", List.of("g"), outer, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                        "free"),
                HandFrames.term("l:g", List.of("g", "l"), HandFrames.interaction(inner, outer), List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"));
        ModelFrame frame = HandFrames.frame(new double[n], List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                "y", terms);
        InputException e = assertThrows(InputException.class, () -> NestedTerms.of(frame));
        assertTrue(e.getMessage().contains("q = 1 × 1 (g) + 201 × 1 (l:g) = 202"), e.getMessage());
    }
}
