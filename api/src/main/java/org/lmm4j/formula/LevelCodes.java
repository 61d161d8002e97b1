package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.NumberCells;

/**
 * The levels of a column over the rows used, in order of first appearance, as R's {@code factor()} makes them from a
 * column read by {@code read.csv}: number cells are compared by value ({@code 1} and {@code 1.0} are one level,
 * labelled {@code 1}), text cells by their text. Used for factors, for the groups and for the occasions of a text
 * time column. One pass over the rows: a text's level by its code, a number's by an open-addressing table of values.
 *
 * @param codes   the level of each row used (indexed like {@code keep})
 * @param labels  the level labels, in order of first appearance
 */
record LevelCodes(int[] codes, List<String> labels) {

    /** The levels of {@code column} over the rows {@code keep} (none of them missing). */
    static LevelCodes of(DataColumn column, int[] keep) {
        if (column.allNumbers()) {
            LevelCodes small = smallIntegers(column.values(), keep);
            if (small != null) {
                return small;
            }
        }
        int[] codes = new int[keep.length];
        List<String> labels = new ArrayList<>();
        int[] byText = new int[column.texts().size()];
        Arrays.fill(byText, -1);
        ValueTable byValue = new ValueTable();
        double[] values = column.values();
        for (int k = 0; k < keep.length; k++) {
            int r = keep[k];
            int text = column.code(r);
            int level;
            if (text >= 0) {
                level = byText[text];
                if (level < 0) {
                    level = labels.size();
                    byText[text] = level;
                    labels.add(column.texts().get(text));
                }
            } else {
                double v = values[r] == 0 ? 0.0 : values[r]; // −0 and 0 are one value
                level = byValue.levelOf(v, labels.size());
                if (level == labels.size()) {
                    labels.add(NumberCells.format(v));
                }
            }
            codes[k] = level;
        }
        return new LevelCodes(codes, labels);
    }

    /**
     * The levels of the interaction of several factors over the same rows (R's {@code a:b} of factors): a level for
     * each combination that occurs, in order of first appearance, labelled by the parts' labels joined with {@code :}.
     */
    static LevelCodes interaction(List<LevelCodes> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        LevelCodes first = parts.get(0);
        int kept = first.codes.length;
        int[] codes = first.codes.clone();
        List<String> labels = new ArrayList<>(first.labels);
        for (LevelCodes part : parts.subList(1, parts.size())) {
            java.util.HashMap<Long, Integer> combined = new java.util.HashMap<>();
            List<String> next = new ArrayList<>();
            int[] nextCodes = new int[kept];
            for (int k = 0; k < kept; k++) {
                long key = (long) codes[k] * part.labels.size() + part.codes[k];
                Integer level = combined.get(key);
                if (level == null) {
                    level = next.size();
                    combined.put(key, level);
                    next.add(labels.get(codes[k]) + ":" + part.labels.get(part.codes[k]));
                }
                nextCodes[k] = level;
            }
            codes = nextCodes;
            labels = next;
        }
        return new LevelCodes(codes, labels);
    }

    /**
     * The common case of labels that are integers in a range not much wider than the number of rows (subject numbers):
     * levels found through an array indexed by value; null otherwise.
     */
    private static LevelCodes smallIntegers(double[] values, int[] keep) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int r : keep) {
            double v = values[r];
            if ((double) (long) v != v) { // not an integer below 2⁶³ (NaN too); cheaper than rint in C1's code
                return null;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max - min < 4.0 * keep.length + 1024) || Math.abs(min) > 1e15) {
            return null;
        }
        long base = (long) min;
        int[] levelOf = new int[(int) ((long) max - base) + 1];
        Arrays.fill(levelOf, -1);
        int[] codes = new int[keep.length];
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < keep.length; k++) {
            int slot = (int) ((long) values[keep[k]] - base);
            int level = levelOf[slot];
            if (level < 0) {
                level = labels.size();
                levelOf[slot] = level;
                labels.add(NumberCells.format(base + slot));
            }
            codes[k] = level;
        }
        return new LevelCodes(codes, labels);
    }

    /** Distinct doubles → level, open addressing with linear probing; grows at half load. */
    private static final class ValueTable {
        private long[] keys;
        private int[] levels;
        private int size;

        ValueTable() {
            keys = new long[1024];
            levels = new int[1024];
            Arrays.fill(levels, -1);
        }

        /** The level of {@code v}; when new, it gets {@code next} (returned). */
        int levelOf(double v, int next) {
            long bits = Double.doubleToLongBits(v);
            int mask = keys.length - 1;
            int i = slot(bits, mask);
            while (levels[i] >= 0) {
                if (keys[i] == bits) {
                    return levels[i];
                }
                i = (i + 1) & mask;
            }
            keys[i] = bits;
            levels[i] = next;
            if (++size * 2 > keys.length) {
                grow();
            }
            return next;
        }

        private static int slot(long bits, int mask) {
            long h = bits * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldLevels = levels;
            keys = new long[oldKeys.length * 2];
            levels = new int[oldKeys.length * 2];
            Arrays.fill(levels, -1);
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldLevels[j] >= 0) {
                    int i = slot(oldKeys[j], mask);
                    while (levels[i] >= 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    levels[i] = oldLevels[j];
                }
            }
        }
    }
}
