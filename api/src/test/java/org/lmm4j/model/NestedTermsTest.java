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
 * labels, BLUPs reported per real level only; crossed terms (or too many random effects per group) as one group of all
 * rows, a slot per level, within that path's limit, refused by name beyond it.
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
    void crossedTermsAreOneGroupOfAllRowsWithASlotPerLevel() {
        String[] subject = {"s1", "s1", "s2", "s2", "s3"};
        String[] item = {"i1", "i2", "i2", "i1", "i2"};
        double[] x = {0.5, -1, 2, 3, 4};
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("subject", List.of("subject"), subject, List.of("(Intercept)", "x"),
                        new double[][] {HandFrames.ones(5), x}, "free"),
                HandFrames.term("item", List.of("item"), item, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(5)}, "free"));
        ModelFrame frame = HandFrames.frame(new double[] {1, 2, 3, 4, 5}, List.of("(Intercept)"),
                new double[][] {HandFrames.ones(5)}, "y", terms);
        assertEquals(-1, NestedTerms.outerTerm(frame));
        NestedTerms nt = NestedTerms.of(frame);
        assertTrue(nt.isOneGroup());
        assertEquals(1, nt.data().groupCount());
        assertEquals(NestedTerms.ONE_GROUP, nt.data().grouping());
        assertEquals(5, nt.data().groups().get(0).size());
        assertEquals(3 * 2 + 2, nt.data().q(), "Q = Σ_k L_k q_k, nothing padded");
        assertEquals(List.of(3, 2), List.of(nt.terms().get(0).copies(), nt.terms().get(1).copies()));
        assertEquals(List.of("(Intercept)|subject[s1]", "x|subject[s1]", "(Intercept)|subject[s2]", "x|subject[s2]",
                "(Intercept)|subject[s3]", "x|subject[s3]", "(Intercept)|item[i1]", "(Intercept)|item[i2]"),
                nt.data().randomNames());
        // row 3 (s2, i1, x = 3): subject s2's slot (columns 2, 3) and item i1's (column 6)
        double[] z = nt.data().groups().get(0).z();
        assertArrayEquals(new double[] {0, 0, 1, 3, 0, 0, 1, 0}, java.util.Arrays.copyOfRange(z, 3 * 8, 4 * 8));
        for (int c = 0; c < 8; c++) {
            assertTrue(!nt.isPadding(0, c), "no padded column in the one group");
        }
        double[][] blups = {{1, 2, 3, 4, 5, 6, 7, 8}};
        assertArrayEquals(new double[] {5, 6}, nt.effects(0, blups).get("s3"));
        assertArrayEquals(new double[] {8}, nt.effects(1, blups).get("i2"));
        assertEquals(Map.of("subject", 3, "item", 2), nt.levelCounts());
    }

    @Test
    void aStructuredSigmaBesideCrossedTermsIsOneLine() {
        String[] subject = {"s1", "s1", "s2", "s2"};
        String[] item = {"i1", "i2", "i1", "i2"};
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("subject", List.of("subject"), subject, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"),
                HandFrames.term("item", List.of("item"), item, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(4)}, "free"));
        NestedTerms nt = NestedTerms.of(HandFrames.frame(new double[] {1, 2, 3, 4}, List.of("(Intercept)"),
                new double[][] {HandFrames.ones(4)}, "y", terms));
        nt.requireResidualFits("scalar", true);
        InputException e = assertThrows(InputException.class, () -> nt.requireResidualFits("ar1", false));
        assertTrue(e.getMessage().startsWith("--residual ar1 beside the random terms subject, item"), e.getMessage());
        assertTrue(e.getMessage().contains("N × N"), e.getMessage());
        NestedTerms.of(unbalanced()).requireResidualFits("ar1", false); // nested: Σ works per batch
    }

    @Test
    void crossedTermsTooLargeForOneGroupAreRefusedNamingThem() {
        int n = 2004;
        String[] subject = new String[n];
        String[] item = new String[n];
        for (int j = 0; j < n; j++) {
            subject[j] = "s" + j / 2;
            item[j] = "i" + j % 2;
        }
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("subject", List.of("subject"), subject, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"),
                HandFrames.term("item", List.of("item"), item, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"));
        ModelFrame frame = HandFrames.frame(new double[n], List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                "y", terms);
        assertTrue(!NestedTerms.fitsOneGroup(frame));
        InputException e = assertThrows(InputException.class, () -> NestedTerms.of(frame));
        assertTrue(e.getMessage().startsWith("the random terms cross"), e.getMessage());
        assertTrue(e.getMessage().contains("Q = 1002 × 1 (subject) + 2 × 1 (item) = 1004 random effects over N = 2004 "
                + "rows: the model is too large for the dense one-group path"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
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

    /** One outer level with {@code inner} inner levels of two rows each. */
    private static ModelFrame wide(int inner) {
        int n = 2 * inner;
        String[] outer = new String[n];
        String[] level = new String[n];
        for (int j = 0; j < n; j++) {
            outer[j] = "g";
            level[j] = "l" + j / 2;
        }
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("g", List.of("g"), outer, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                        "free"),
                HandFrames.term("l:g", List.of("g", "l"), HandFrames.interaction(level, outer), List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"));
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            y[j] = j % 7;
        }
        return HandFrames.frame(y, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, "y", terms);
    }

    @Test
    void nestedTermsWithTooManyRandomEffectsPerGroupBecomeOneGroup() {
        NestedTerms nt = NestedTerms.of(wide(201));
        assertTrue(nt.isOneGroup(), "202 > " + NestedTerms.MAX_RANDOM_EFFECTS + " per group of g: one group");
        assertEquals(202, nt.data().q());
        assertEquals(1, nt.data().groupCount());
    }

    @Test
    void nestedTermsTooLargeForOneGroupAreRefused() {
        InputException e = assertThrows(InputException.class, () -> NestedTerms.of(wide(1000)));
        assertTrue(e.getMessage().startsWith("the random terms nest, but a group of their outer factor would carry more "
                + "than 200 random effects"), e.getMessage());
        assertTrue(e.getMessage().contains("Q = 1 × 1 (g) + 1000 × 1 (l:g) = 1001"), e.getMessage());
    }
}
