package org.lmm4j.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lmm4j.api.InputException;

/**
 * A {@link ModelFrame} with several random terms regrouped into the per-group {@link ModelData} of a factor they all
 * nest within (docs/DESIGN.md §1, §8, issue 13): an outer factor of the terms, or, for crossed terms (subjects ×
 * items, Penicillin's plate × sample), the trivial factor with one level, every row in {@linkplain #oneGroup one
 * group}. V = ZΩZ' + Σ is then block-diagonal by the outer
 * factor, so the per-group path (structured Σ, the sufficient statistics) holds unchanged:
 * <ul>
 *   <li>the groups are the outer factor's levels (the levels of the first term, in the frame's term order, within
 *       whose levels every term's levels lie), the rows of a group in file order;</li>
 *   <li>Z_i = [slots of term 1 | slots of term 2 | …]: term k has M_k slots of q_k columns, slot s holding the term's
 *       design rows for the s-th inner level met in the group (in order of first appearance) and zeros elsewhere;
 *       M_k is the largest number of the term's levels in one group (1 for a term of the outer factor itself), and a
 *       group with fewer levels has zero columns in its last slots (padding);</li>
 *   <li>Ω_i = blockdiag(I_{M_1} ⊗ Ω_1, I_{M_2} ⊗ Ω_2, …) ({@link org.lmm4j.likelihood.TermBlocks}).</li>
 * </ul>
 * A padded slot's columns of Z_i are zero, so it adds nothing to V_i = Z_iΩZ_i' + Σ_i: the likelihood is exactly that
 * of the frame. Its BLUP ΩZ_i'V_i⁻¹r_i is zero and is not reported ({@link #effects}); in EM it is a latent vector
 * unconnected to the data, whose conditional second moment is Ω_k itself, so the M-step's fixed point is unchanged.
 * In the one group of crossed terms every slot is a level (M_k = L_k), so nothing is padded.
 *
 * @param data    the per-group data
 * @param terms   the terms, in the frame's order
 * @param outer   the index of the outer term (whose levels are the groups), −1 for {@linkplain #oneGroup one group}
 */
public record NestedTerms(ModelData data, List<Term> terms, int outer) {

    /**
     * At most this many random effects per group of an outer factor (q = Σ_k M_k q_k); beyond, the model is fitted as
     * {@linkplain #oneGroup one group}, within that path's own limit.
     */
    public static final int MAX_RANDOM_EFFECTS = 200;

    /**
     * One term's place in the per-group design.
     *
     * @param label        the term as lme4 labels it, unique ({@code Subject}, {@code Subject.1}, {@code cask:batch})
     * @param term         the frame's term
     * @param copies       M_k, the number of slots
     * @param offset       the first column of Z_i of the term
     * @param levelOfSlot  per group i and slot s, the term's level there (an index into {@code term.levels()}), or −1
     *                     for a padded slot
     */
    public record Term(String label, RandomEffectsTerm term, int copies, int offset, int[][] levelOfSlot) {

        /** q_k. */
        public int q() {
            return term.q();
        }
    }

    public NestedTerms {
        terms = List.copyOf(terms);
    }

    /**
     * The index of the outer term of the frame: the first term within whose levels every term's levels lie (each
     * level of every term is met in one level of it only), or −1 when there is none (crossed terms).
     */
    public static int outerTerm(ModelFrame frame) {
        return outerTerm(frame.terms());
    }

    private static int outerTerm(List<RandomEffectsTerm> terms) {
        for (int c = 0; c < terms.size(); c++) {
            boolean all = true;
            for (int k = 0; k < terms.size() && all; k++) {
                all = nestsWithin(terms.get(k), terms.get(c));
            }
            if (all) {
                return c;
            }
        }
        return -1;
    }

    /** True when every level of {@code inner} is met within one level of {@code outer} only. */
    static boolean nestsWithin(RandomEffectsTerm inner, RandomEffectsTerm outer) {
        int[] home = new int[inner.levelCount()];
        java.util.Arrays.fill(home, -1);
        int[] li = inner.levelOfRow();
        int[] lo = outer.levelOfRow();
        for (int j = 0; j < li.length; j++) {
            int h = home[li[j]];
            if (h < 0) {
                home[li[j]] = lo[j];
            } else if (h != lo[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The regrouping of a frame (docs/DESIGN.md §8): by its outer factor when every term nests within one and no
     * group then carries more than {@value #MAX_RANDOM_EFFECTS} random effects; otherwise (crossed terms, or nested
     * ones with too many inner levels in a group) as {@linkplain #oneGroup one group of all rows}, which every model
     * nests in, when {@link #fitsOneGroup} allows it.
     *
     * @throws InputException when the model is too large for the one group ({@link #requireOneGroupFits}), naming
     *                        the terms
     */
    public static NestedTerms of(ModelFrame frame) {
        List<RandomEffectsTerm> terms = frame.terms();
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a frame without random terms");
        }
        int outer = outerTerm(frame);
        if (outer >= 0) {
            NestedTerms nested = regroup(frame, terms.get(outer).levelOfRow(), terms.get(outer).levels(),
                    terms.get(outer).group(), outer, MAX_RANDOM_EFFECTS, null);
            if (nested != null) {
                return nested;
            }
        }
        requireOneGroupFits(frame);
        return oneGroup(frame);
    }

    /**
     * The regrouping of one part of a larger frame by its outer factor (a partition of a distributed data set, whose
     * groups are whole in it), each term padded to at least {@code copies[k]} slots: the maximum over all parts of
     * {@link Term#copies}, so that every part's groups have the same columns of Z as the whole frame's would.
     *
     * @throws InputException when the terms do not nest in one factor, or a group would carry more than
     *                        {@value #MAX_RANDOM_EFFECTS} random effects
     */
    public static NestedTerms ofPart(ModelFrame frame, int[] copies) {
        int outer = outerTerm(frame);
        if (outer < 0) {
            throw new InputException("the random terms " + labels(frame.terms()) + " are crossed: on a distributed data "
                    + "set only terms that nest within one factor are fitted so far");
        }
        RandomEffectsTerm o = frame.terms().get(outer);
        NestedTerms nested = regroup(frame, o.levelOfRow(), o.levels(), o.group(), outer, MAX_RANDOM_EFFECTS, copies);
        if (nested == null) {
            throw new InputException("the random terms " + labels(frame.terms()) + " would carry more than "
                    + MAX_RANDOM_EFFECTS + " random effects in a group of " + o.group() + "; on a distributed data set "
                    + "that is not fitted so far");
        }
        return nested;
    }

    /**
     * The frame as one group holding all N rows in file order: term k gets M_k = L_k slots (slot l is level l, in
     * order of first appearance), no padding, and Z_1 = [Z_1 … Z_K] is the whole N × Q random-effects design,
     * Q = Σ_k L_k q_k. Any frame nests within this trivial one-level factor, so crossed terms fit through the
     * per-group path: with Σ = σ²I the group is reduced once to its sufficient statistics (O(NQ²), nothing N × N);
     * the group's Z itself holds N·Q numbers, hence {@link #fitsOneGroup}. No limit is checked here.
     */
    public static NestedTerms oneGroup(ModelFrame frame) {
        return regroup(frame, new int[frame.observations()], List.of(ONE_GROUP), ONE_GROUP, -1, Integer.MAX_VALUE, null);
    }

    /** The id and the grouping name of the one group of {@link #oneGroup}. */
    public static final String ONE_GROUP = "all rows";

    /**
     * At most this many random effects Q = Σ_k L_k q_k in {@linkplain #oneGroup one group}: every evaluation
     * factors the Q × Q matrix C = σ²I + RΩR' (O(Q³)) and the reduction costs O(NQ²).
     */
    public static final int MAX_ONE_GROUP_RANDOM_EFFECTS = 500;

    /**
     * At most this many numbers N·Q in the one group's dense random-effects design (8 bytes each: 20 MB); the reduction
     * to sufficient statistics, Gram–Schmidt on the Q columns of Z, costs O(NQ²) = O(N·Q · Q) on one thread.
     */
    public static final long MAX_ONE_GROUP_CELLS = 2_500_000L;

    /**
     * Q = Σ_k L_k q_k, the random effects of the frame as one group.
     */
    public static long randomEffects(ModelFrame frame) {
        long q = 0;
        for (RandomEffectsTerm t : frame.terms()) {
            q += (long) t.levelCount() * t.q();
        }
        return q;
    }

    /**
     * True when the frame is small enough for the dense {@linkplain #oneGroup one-group} path: Q ≤
     * {@value #MAX_ONE_GROUP_RANDOM_EFFECTS} and N·Q ≤ {@value #MAX_ONE_GROUP_CELLS}. The one place that decides
     * which frames take that path (a larger crossed model needs a blocked sparse factorisation).
     */
    public static boolean fitsOneGroup(ModelFrame frame) {
        long q = randomEffects(frame);
        return q <= MAX_ONE_GROUP_RANDOM_EFFECTS && q * frame.observations() <= MAX_ONE_GROUP_CELLS;
    }

    /**
     * Refuses, with one line naming the terms, a frame too large for the {@linkplain #oneGroup one-group} path
     * ({@link #fitsOneGroup}).
     *
     * @throws InputException when the frame does not fit
     */
    public static void requireOneGroupFits(ModelFrame frame) {
        if (fitsOneGroup(frame)) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        List<String> labels = labels(frame.terms());
        for (int k = 0; k < frame.terms().size(); k++) {
            RandomEffectsTerm t = frame.terms().get(k);
            sb.append(k == 0 ? "" : " + ").append(t.levelCount()).append(" × ").append(t.q())
                    .append(" (").append(labels.get(k)).append(')');
        }
        long q = randomEffects(frame);
        String kind = outerTerm(frame) < 0 ? "the random terms cross (no one grouping factor holds all the others "
                + "within its levels), so they are fitted as one group of all rows" : "the random terms nest, but "
                + "a group of their outer factor would carry more than " + MAX_RANDOM_EFFECTS + " random effects, "
                + "so they are fitted as one group of all rows";
        throw new InputException(String.format(java.util.Locale.ROOT, "%s, with Q = %s = %d random effects over "
                + "N = %d rows: the model is too large for the dense one-group path (at most Q = %d and N·Q = %.0e; "
                + "here N·Q = %.2e); a blocked sparse path for such models is not available yet",
                kind, sb, q, frame.observations(), MAX_ONE_GROUP_RANDOM_EFFECTS, (double) MAX_ONE_GROUP_CELLS,
                (double) q * frame.observations()));
    }

    /** True when the model was regrouped as {@linkplain #oneGroup one group of all rows}. */
    public boolean isOneGroup() {
        return outer < 0;
    }

    /**
     * Refuses a structured Σ on the {@linkplain #oneGroup one group}: its V = ZΩZ' + Σ would be the N × N matrix of
     * all rows (Σ is block-diagonal by its own groups, V is not).
     *
     * @param residual the name of Σ's structure
     * @param scalar   whether Σ is σ²I
     * @throws InputException for a structured Σ on the one group
     */
    public void requireResidualFits(String residual, boolean scalar) {
        if (scalar || !isOneGroup()) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (Term t : terms) {
            names.add(t.label());
        }
        List<RandomEffectsTerm> frameTerms = new ArrayList<>();
        for (Term t : terms) {
            frameTerms.add(t.term());
        }
        String why = outerTerm(frameTerms) < 0 ? "they cross, no one factor holds the others"
                : "a group of their outer factor would carry more than " + MAX_RANDOM_EFFECTS + " random effects";
        throw new InputException("--residual " + residual + " beside the random terms " + String.join(", ", names)
                + ", which are fitted as one group of all " + data.observations() + " rows (" + why + "): a "
                + "structured Σ there needs the N × N covariance of all rows; use --residual scalar (Σ = σ²I), or "
                + "random terms that nest within one factor");
    }

    /**
     * The regrouping by the factor whose level of row j is {@code groupOfRow[j]} (levels {@code groupLevels}; every
     * term's levels lie within its levels), named {@code grouping}; {@code outer} is the index of that factor's
     * term, or −1; null, before the groups are built, when they would carry more than {@code maxQ} random effects.
     */
    private static NestedTerms regroup(ModelFrame frame, int[] groupOfRow, List<String> groupLevels, String grouping,
                                       int outer, int maxQ, int[] minCopies) {
        List<RandomEffectsTerm> terms = frame.terms();
        int n = groupLevels.size();
        int rows = frame.observations();
        int[] size = new int[n];
        for (int lv : groupOfRow) {
            size[lv]++;
        }
        int[][] rowsOf = new int[n][];
        for (int g = 0; g < n; g++) {
            rowsOf[g] = new int[size[g]];
        }
        int[] fill = new int[n];
        for (int j = 0; j < rows; j++) {
            int g = groupOfRow[j];
            rowsOf[g][fill[g]++] = j;
        }
        List<String> labels = labels(terms);
        List<Term> placed = new ArrayList<>();
        int q = 0;
        // slotOfRow[k][j]: the slot of row j in term k
        int[][] slotOfRow = new int[terms.size()][rows];
        for (int k = 0; k < terms.size(); k++) {
            RandomEffectsTerm t = terms.get(k);
            int[][] levelOfSlot = new int[n][];
            int copies = minCopies == null ? 1 : minCopies[k];
            // each level lies in one group (nesting), so a level's slot is assigned once
            int[] slotOfLevel = new int[t.levelCount()];
            java.util.Arrays.fill(slotOfLevel, -1);
            int[] levelsSeen = new int[t.levelCount()];
            for (int g = 0; g < n; g++) {
                int seen = 0;
                for (int j : rowsOf[g]) {
                    int lv = t.levelOfRow()[j];
                    if (slotOfLevel[lv] < 0) {
                        slotOfLevel[lv] = seen;
                        levelsSeen[seen++] = lv;
                    }
                    slotOfRow[k][j] = slotOfLevel[lv];
                }
                levelOfSlot[g] = java.util.Arrays.copyOf(levelsSeen, seen);
                copies = Math.max(copies, seen);
            }
            for (int g = 0; g < n; g++) {
                int[] padded = java.util.Arrays.copyOf(levelOfSlot[g], copies);
                java.util.Arrays.fill(padded, levelOfSlot[g].length, copies, -1);
                levelOfSlot[g] = padded;
            }
            placed.add(new Term(labels.get(k), t, copies, q, levelOfSlot));
            q += copies * t.q();
        }
        if (q > maxQ) {
            return null;
        }
        int p = frame.p();
        List<Group> groups = new ArrayList<>(n);
        for (int g = 0; g < n; g++) {
            int m = rowsOf[g].length;
            double[] y = new double[m];
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] occ = new int[m];
            for (int r = 0; r < m; r++) {
                int j = rowsOf[g][r];
                y[r] = frame.y()[j];
                System.arraycopy(frame.x(), j * p, x, r * p, p);
                occ[r] = frame.occasion()[j];
                for (int k = 0; k < placed.size(); k++) {
                    Term t = placed.get(k);
                    int qk = t.q();
                    System.arraycopy(t.term().z(), j * qk, z, r * q + t.offset() + slotOfRow[k][j] * qk, qk);
                }
            }
            groups.add(new Group(groupLevels.get(g), y, x, z, occ));
        }
        List<String> randomNames = new ArrayList<>();
        for (Term t : placed) {
            for (int s = 0; s < t.copies(); s++) {
                for (String c : t.term().columnNames()) {
                    // one group: slot s is level s, named by its label; else by its position in the group
                    String slot = outer < 0 ? "[" + t.term().levels().get(t.levelOfSlot()[0][s]) + "]"
                            : t.copies() > 1 ? "[" + (s + 1) + "]" : "";
                    randomNames.add(c + "|" + t.label() + slot);
                }
            }
        }
        ModelData data = new ModelData(groups, frame.fixedNames(), randomNames, frame.response(), grouping,
                frame.occasionLabels(), frame.droppedRows(), frame.notes());
        return new NestedTerms(data, placed, outer);
    }

    /** lme4's labels of the terms: the grouping as written, {@code .1}, {@code .2}, … for a repeated one. */
    static List<String> labels(List<RandomEffectsTerm> terms) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (RandomEffectsTerm t : terms) {
            int k = seen.merge(t.group(), 1, Integer::sum) - 1;
            String label = k == 0 ? t.group() : t.group() + "." + k;
            while (!used.add(label)) {
                label = label + "." + k;
            }
            out.add(label);
        }
        return out;
    }

    /** The number of levels of each term, by label (lme4's "groups: Subject, 18"). */
    public Map<String, Integer> levelCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Term t : terms) {
            out.putIfAbsent(t.term().group(), t.term().levelCount());
        }
        return out;
    }

    /** True when column {@code column} of Z_i belongs to a padded slot of group {@code group} (no level there). */
    public boolean isPadding(int group, int column) {
        for (Term t : terms) {
            int width = t.copies() * t.q();
            if (column >= t.offset() && column < t.offset() + width) {
                return t.levelOfSlot()[group][(column - t.offset()) / t.q()] < 0;
            }
        }
        throw new IllegalArgumentException("column " + column + " of " + data.q());
    }

    /** Ω_k of term k from the q × q Ω̂ of the per-group model (its first slot). */
    public double[][] omega(int k, double[][] omega) {
        Term t = terms.get(k);
        int d = t.q();
        double[][] out = new double[d][d];
        for (int a = 0; a < d; a++) {
            System.arraycopy(omega[t.offset() + a], t.offset(), out[a], 0, d);
        }
        return out;
    }

    /**
     * Term k's BLUPs by level, in the order of the term's levels: the q_k values of each level's slot in the row of its
     * group of the per-group BLUPs; padded slots are not levels and are left out.
     */
    public Map<String, double[]> effects(int k, double[][] blups) {
        Term t = terms.get(k);
        int d = t.q();
        double[][] byLevel = new double[t.term().levelCount()][];
        for (int g = 0; g < t.levelOfSlot().length && g < blups.length; g++) {
            for (int s = 0; s < t.copies(); s++) {
                int lv = t.levelOfSlot()[g][s];
                if (lv >= 0) {
                    byLevel[lv] = java.util.Arrays.copyOfRange(blups[g], t.offset() + s * d, t.offset() + (s + 1) * d);
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int lv = 0; lv < byLevel.length; lv++) {
            if (byLevel[lv] != null) {
                out.put(t.term().levels().get(lv), byLevel[lv]);
            }
        }
        return out;
    }
}
