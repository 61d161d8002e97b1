package org.lmm4j.formula;

import java.util.List;
import java.util.Map;

/**
 * How one part of a larger data set is coded when it is compiled on its own (a partition of a distributed data
 * set, docs/DESIGN.md §6): the levels of every factor and the occasions as they are over the whole data, so that
 * every part has the same columns of X and Z and the same occasions. The checks that need all rows at once (the
 * rank of X and Z, lme4's per-term level counts, a response that varies) are left to the caller, which makes them
 * over the whole data; formula functions whose values depend on all rows ({@code poly}, {@code scale}) are refused.
 *
 * @param levels     per column used as a factor, its level labels over the whole data, in the order the compiler
 *                   gives them (compile the distinct values in order of first appearance to get it)
 * @param occasions  the occasion labels over the whole data (null when the model has none)
 */
public record Coding(Map<String, List<String>> levels, List<String> occasions) implements java.io.Serializable {

    public Coding {
        levels = Map.copyOf(levels);
        occasions = occasions == null ? null : List.copyOf(occasions);
    }

    /**
     * The labels the compiler gives a factor column, from its distinct cells in order of first appearance over the
     * whole data (the same rule as over all rows, since a level's label and first appearance are all it uses).
     */
    public static List<String> levelsOf(org.lmm4j.data.DataColumn distinctInOrder) {
        int[] all = new int[distinctInOrder.rows()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return LevelCodes.of(distinctInOrder, all).labels();
    }

    /** The occasion labels of a time column, from its distinct cells in order of first appearance. */
    public static List<String> occasionsOf(org.lmm4j.data.DataColumn distinctInOrder) {
        int[] all = new int[distinctInOrder.rows()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return GroupsAndOccasions.timeOccasions(distinctInOrder, distinctInOrder.allNumbers(), all, new int[all.length]);
    }

    /** The occasion labels 1..T of the positions within groups of at most T rows. */
    public static List<String> positions(int t) {
        List<String> out = new java.util.ArrayList<>(t);
        for (int i = 1; i <= t; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    /** The local levels of {@code column} renumbered as the whole data's (the local codes index local labels). */
    LevelCodes global(String column, LevelCodes local) {
        List<String> labels = levels.get(column);
        if (labels == null) {
            throw new IllegalStateException("no levels given for the factor column \"" + column + "\"");
        }
        return new LevelCodes(renumber(local.codes(), local.labels(), labels, "column \"" + column + "\""), labels);
    }

    /** Local codes of local labels as codes of {@code global} labels. */
    static int[] renumber(int[] codes, List<String> local, List<String> global, String what) {
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < global.size(); i++) {
            index.put(global.get(i), i);
        }
        int[] map = new int[local.size()];
        for (int i = 0; i < local.size(); i++) {
            Integer g = index.get(local.get(i));
            if (g == null) {
                throw new org.lmm4j.api.InputException(what + ": the value \"" + local.get(i)
                        + "\" is not among the levels found over the whole data");
            }
            map[i] = g;
        }
        int[] out = new int[codes.length];
        for (int k = 0; k < codes.length; k++) {
            out[k] = map[codes[k]];
        }
        return out;
    }
}
