package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.NumberCells;

/**
 * The rows used, arranged by group and occasion (DESIGN §1): groups in order of first appearance of their label
 * ({@link LevelCodes}: numeric labels compared by value), the rows of a group in file order, and each row's occasion
 * — the sorted distinct values of a numeric time column, the texts of a text one in order of appearance, or without a
 * time column the row's position within its group. Also lme4's checks that the random effects can be estimated.
 *
 * @param labels  the group labels, in order of first appearance
 * @param offset  group g holds the positions {@code offset[g] .. offset[g+1] - 1} (length n + 1)
 * @param order   the kept-row index at each position (rows grouped, file order within a group)
 */
record GroupsAndOccasions(List<String> labels, int[] offset, int[] order) {

    /** The groups of the kept rows by {@code grouping} (null: every row is its own group, labelled by its data row). */
    static GroupsAndOccasions of(DataColumn grouping, int[] keep) {
        if (grouping != null) {
            return of(LevelCodes.of(grouping, keep));
        }
        int kept = keep.length;
        int[] groupOf = new int[kept];
        List<String> labels = new ArrayList<>(kept);
        for (int k = 0; k < kept; k++) {
            groupOf[k] = k;
            labels.add(Integer.toString(keep[k] + 1));
        }
        return of(new LevelCodes(groupOf, labels));
    }

    /** The groups of the kept rows by their level codes. */
    static GroupsAndOccasions of(LevelCodes levels) {
        int[] groupOf = levels.codes();
        List<String> labels = levels.labels();
        int kept = groupOf.length;
        int n = labels.size();
        int[] offset = new int[n + 1];
        for (int g : groupOf) {
            offset[g + 1]++;
        }
        for (int g = 0; g < n; g++) {
            offset[g + 1] += offset[g];
        }
        int[] order = new int[kept];
        int[] fill = Arrays.copyOf(offset, n);
        for (int k = 0; k < kept; k++) {
            order[fill[groupOf[k]]++] = k;
        }
        return new GroupsAndOccasions(labels, offset, order);
    }

    /** The number of groups. */
    int count() {
        return labels.size();
    }

    /** Occasions as positions within the group, labelled 1..T (T the largest group). */
    List<String> positionOccasions(int[] occasion) {
        int max = 0;
        for (int g = 0; g + 1 < offset.length; g++) {
            for (int pos = offset[g]; pos < offset[g + 1]; pos++) {
                occasion[order[pos]] = pos - offset[g];
            }
            max = Math.max(max, offset[g + 1] - offset[g]);
        }
        List<String> out = new ArrayList<>(max);
        for (int t = 1; t <= max; t++) {
            out.add(Integer.toString(t));
        }
        return out;
    }

    /** Occasions from a time column: sorted distinct values when numeric, else texts in order of appearance. */
    static List<String> timeOccasions(DataColumn time, boolean numeric, int[] keep, int[] occasion) {
        if (!numeric) {
            LevelCodes levels = LevelCodes.of(time, keep);
            System.arraycopy(levels.codes(), 0, occasion, 0, keep.length);
            return levels.labels();
        }
        double[] values = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            double v = time.values()[keep[k]];
            values[k] = v == 0 ? 0.0 : v; // −0 and 0 are one occasion
        }
        double[] distinct = values.clone();
        Arrays.sort(distinct);
        int d = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[d - 1]) {
                distinct[d++] = distinct[i];
            }
        }
        distinct = Arrays.copyOf(distinct, d);
        for (int k = 0; k < keep.length; k++) {
            occasion[k] = Arrays.binarySearch(distinct, values[k]);
        }
        List<String> out = new ArrayList<>(d);
        for (double v : distinct) {
            out.add(NumberCells.format(v));
        }
        return out;
    }

    /** An error when a group has two rows at one occasion of the time column. */
    void checkOneRowPerOccasion(int[] occasion, int[] keep, List<String> occasionLabels, String timeColumn,
                                CompileMessages messages) {
        int[] seenInGroup = new int[occasionLabels.size()];
        int[] seenRow = new int[occasionLabels.size()];
        Arrays.fill(seenInGroup, -1);
        for (int g = 0; g + 1 < offset.length; g++) {
            for (int pos = offset[g]; pos < offset[g + 1]; pos++) {
                int k = order[pos];
                int t = occasion[k];
                if (seenInGroup[t] == g) {
                    throw new InputException("group \"" + labels.get(g) + "\" has two rows at occasion \""
                            + occasionLabels.get(t) + "\" of time column \"" + timeColumn + "\" (" + messages.source()
                            + " lines " + messages.line(seenRow[t]) + " and " + messages.line(keep[k]) + ")");
                }
                seenInGroup[t] = g;
                seenRow[t] = keep[k];
            }
        }
    }

    /**
     * lme4's checks on a random term ({@code checkNlevels}, {@code checkZdims}): its grouping factor needs at least two
     * levels ("grouping factors must have > 1 sampled level"), fewer levels than observations (else every group is a
     * single row and Ω cannot be told apart from Σ) and fewer random effects (levels × q) than observations. Groups of
     * size one among larger groups are fine.
     *
     * @param term  the term as written, for the message ({@code (1 + t | g)})
     */
    static void checkRandomEffectsIdentifiable(int levels, int observations, int q, String grouping, String term) {
        String in = " (in the random term " + term + ")";
        if (levels < 2) {
            throw new InputException("grouping factor \"" + grouping + "\" has a single level: the random effects'"
                    + " covariance cannot be estimated from one group" + in);
        }
        if (levels >= observations) {
            throw new InputException("grouping factor \"" + grouping + "\" has " + levels + " levels for "
                    + observations + " observations: every group is a single row, so the random effects cannot be"
                    + " told apart from the residual (the number of levels must be less than the number of observations)"
                    + in);
        }
        if ((long) levels * q >= observations) {
            throw new InputException("the model has " + levels + " × " + q + " = " + ((long) levels * q)
                    + " random effects for " + observations + " observations (grouping \"" + grouping
                    + "\"): there must be fewer random effects than observations" + in);
        }
    }
}
