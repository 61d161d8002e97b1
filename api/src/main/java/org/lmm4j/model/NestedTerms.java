package org.lmm4j.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lmm4j.api.InputException;

/**
 * A {@link ModelFrame} whose random terms all nest within one outer factor, regrouped into the per-group
 * {@link ModelData} of that factor (docs/DESIGN.md §1, issue 13). V = ZΩZ' + Σ is then block-diagonal by the outer
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
 *
 * @param data    the per-group data
 * @param terms   the terms, in the frame's order
 * @param outer   the index of the outer term (whose levels are the groups)
 */
public record NestedTerms(ModelData data, List<Term> terms, int outer) {

    /** At most this many random effects per group (q = Σ_k M_k q_k); beyond, the model needs the crossed path. */
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
        List<RandomEffectsTerm> terms = frame.terms();
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
     * The regrouping of a frame whose terms nest within one outer factor.
     *
     * @throws InputException when the terms do not nest in one factor (naming them), or when the per-group design
     *                        would need more than {@value #MAX_RANDOM_EFFECTS} random effects
     */
    public static NestedTerms of(ModelFrame frame) {
        List<RandomEffectsTerm> terms = frame.terms();
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a frame without random terms");
        }
        int outer = outerTerm(frame);
        if (outer < 0) {
            List<String> names = new ArrayList<>();
            for (RandomEffectsTerm t : terms) {
                names.add(t.group());
            }
            throw new InputException("crossed random terms (" + String.join(", ", names) + ": no one grouping "
                    + "factor holds all the others within its levels) are not supported yet; terms that nest within "
                    + "one factor are, e.g. (1 | a) + (1 | a:b) or (1 | a/b)");
        }
        RandomEffectsTerm o = terms.get(outer);
        int n = o.levelCount();
        int rows = frame.observations();
        int[] size = new int[n];
        for (int lv : o.levelOfRow()) {
            size[lv]++;
        }
        int[][] rowsOf = new int[n][];
        for (int g = 0; g < n; g++) {
            rowsOf[g] = new int[size[g]];
        }
        int[] fill = new int[n];
        for (int j = 0; j < rows; j++) {
            int g = o.levelOfRow()[j];
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
            int copies = 1;
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
        if (q > MAX_RANDOM_EFFECTS) {
            StringBuilder sb = new StringBuilder();
            for (Term t : placed) {
                sb.append(sb.length() == 0 ? "" : " + ").append(t.copies()).append(" × ").append(t.q())
                        .append(" (").append(t.label()).append(')');
            }
            throw new InputException("the random terms nest within " + o.group() + ", but one of its groups would "
                    + "carry q = " + sb + " = " + q + " random effects, more than the " + MAX_RANDOM_EFFECTS
                    + " fitted per group; such models need the crossed-terms path, which is not supported yet");
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
            groups.add(new Group(o.levels().get(g), y, x, z, occ));
        }
        List<String> randomNames = new ArrayList<>();
        for (Term t : placed) {
            for (int s = 0; s < t.copies(); s++) {
                for (String c : t.term().columnNames()) {
                    randomNames.add(c + "|" + t.label() + (t.copies() > 1 ? "[" + (s + 1) + "]" : ""));
                }
            }
        }
        ModelData data = new ModelData(groups, frame.fixedNames(), randomNames, frame.response(), o.group(),
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
