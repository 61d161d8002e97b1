package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.lmm4j.api.InputException;
import org.lmm4j.data.Excerpt;

/**
 * The columns of X and Z from the terms of a formula, with R's {@code model.matrix} rule for factors: a factor F in
 * term T gets full indicator coding when T without F (the empty term being the intercept) is not in the model,
 * treatment contrasts (first level the reference) otherwise; the columns of an interaction are the Cartesian product
 * of its variables' columns, the first variable varying fastest. Also the check that X has full column rank.
 */
final class DesignColumns {

    /** A variable of the formula bound to the data: numeric values, or factor codes and levels. */
    static final class Slot {
        final Variable variable;
        double[][] values;   // numeric: its columns (several for poly), each by file row
        List<String> suffixes; // numeric: the suffixes of its columns' names (poly: 1, 2, ...)
        int[] codes;         // factor: level index by file row (−1 for a dropped row)
        List<String> levels; // factor: levels in order of appearance among the rows used
        boolean contrasted;  // factor: coded by treatment contrasts somewhere in the model

        Slot(Variable variable) {
            this.variable = variable;
        }

        boolean factor() {
            return codes != null;
        }

        /** Codes the factor's levels over the rows used ({@link LevelCodes}). */
        void code(LevelCodes levelCodes, int[] keep, int rows) {
            int[] byRow = new int[rows];
            Arrays.fill(byRow, -1);
            for (int k = 0; k < keep.length; k++) {
                byRow[keep[k]] = levelCodes.codes()[k];
            }
            codes = byRow;
            levels = levelCodes.labels();
        }
    }

    /** One column of X or Z: the product of numeric values and factor indicators. */
    record Column(String name, double[][] numeric, int[][] factorCodes, int[] factorLevels) {
        double at(int row) {
            double v = 1;
            for (double[] n : numeric) {
                v *= n[row];
            }
            for (int f = 0; f < factorCodes.length; f++) {
                if (factorCodes[f][row] != factorLevels[f]) {
                    return 0;
                }
            }
            return v;
        }

        /**
         * The column at every one of the table's {@code rows} rows: the data's own array when the column is one numeric
         * variable, else computed row by row (so that a gather over many rows reads arrays, not calls).
         */
        double[] values(int rows) {
            if (numeric.length == 1 && factorCodes.length == 0) {
                return numeric[0];
            }
            double[] v = new double[rows];
            for (int r = 0; r < rows; r++) {
                v[r] = at(r);
            }
            return v;
        }
    }

    private DesignColumns() {
    }

    /** The columns for an intercept and terms (see the class comment). */
    static List<Column> of(boolean intercept, List<Term> terms, Map<Variable, Slot> slots, String formulaText) {
        Set<Set<Variable>> present = new HashSet<>();
        for (Term t : terms) {
            present.add(Set.copyOf(t.variables()));
        }
        List<Column> out = new ArrayList<>();
        if (intercept) {
            out.add(new Column("(Intercept)", new double[0][], new int[0][], new int[0]));
        }
        for (Term t : terms) {
            List<Variable> vs = t.variables();
            int k = vs.size();
            int[][] levelChoices = new int[k][];
            for (int j = 0; j < k; j++) {
                Slot s = slots.get(vs.get(j));
                if (!s.factor()) {
                    levelChoices[j] = new int[s.values.length];
                    for (int c = 0; c < s.values.length; c++) {
                        levelChoices[j][c] = c;
                    }
                    continue;
                }
                Set<Variable> rest = new HashSet<>(vs);
                rest.remove(vs.get(j));
                boolean contrasts = rest.isEmpty() ? intercept : present.contains(rest);
                int levels = s.levels.size();
                if (contrasts) {
                    if (levels < 2) {
                        throw new InputException("factor \"" + s.variable.label() + "\" has only one level ("
                                + Excerpt.quoted(s.levels.get(0)) + ") in the rows used, so it has no contrasts; drop it from "
                                + formulaText);
                    }
                    s.contrasted = true;
                }
                int from = contrasts ? 1 : 0;
                levelChoices[j] = new int[levels - from];
                for (int l = from; l < levels; l++) {
                    levelChoices[j][l - from] = l;
                }
            }
            int[] idx = new int[k];
            while (true) {
                List<double[]> nums = new ArrayList<>();
                List<int[]> codes = new ArrayList<>();
                List<Integer> lv = new ArrayList<>();
                StringBuilder name = new StringBuilder();
                for (int j = 0; j < k; j++) {
                    Slot s = slots.get(vs.get(j));
                    if (j > 0) {
                        name.append(':');
                    }
                    name.append(s.variable.label());
                    if (s.factor()) {
                        int level = levelChoices[j][idx[j]];
                        name.append(s.levels.get(level));
                        codes.add(s.codes);
                        lv.add(level);
                    } else {
                        int column = levelChoices[j][idx[j]];
                        name.append(s.suffixes.get(column));
                        nums.add(s.values[column]);
                    }
                }
                out.add(new Column(name.toString(), nums.toArray(new double[0][]), codes.toArray(new int[0][]),
                        lv.stream().mapToInt(Integer::intValue).toArray()));
                int j = 0;
                while (j < k && ++idx[j] == levelChoices[j].length) {
                    idx[j] = 0;
                    j++;
                }
                if (j == k) {
                    break;
                }
            }
        }
        return out;
    }

    /** An error naming the aliased columns when X (by column) is rank deficient ({@link RankCheck}). */
    static void checkRank(double[][] xByColumn, List<String> names) {
        checkRank(xByColumn, names, "the fixed-effects design is rank deficient: ", "");
    }

    /**
     * An error naming the aliased columns of a random term's design Z_k (by column, over the rows used): aliased
     * random-effect columns leave Ω_k unidentified (lme4 warns "nearly unidentifiable"; here it is refused).
     */
    static void checkRandomRank(double[][] zByColumn, List<String> names, String term) {
        checkRank(zByColumn, names, "the random term " + term + " has aliased columns: ",
                ", so the covariance of its random effects is not identified; drop the aliased column");
    }

    private static void checkRank(double[][] byColumn, List<String> names, String prefix, String suffix) {
        List<RankCheck.Alias> aliased = RankCheck.aliased(byColumn);
        if (aliased.isEmpty()) {
            return;
        }
        RankCheck.Alias a = aliased.get(0);
        String column = "\"" + names.get(a.column()) + "\"";
        String what = a.combinationOf().isEmpty()
                ? "column " + column + " is zero in every row used"
                : "column " + column + " is a linear combination of "
                        + a.combinationOf().stream().limit(8).map(i -> "\"" + names.get(i) + "\"")
                                .collect(Collectors.joining(", "))
                        + (a.combinationOf().size() > 8 ? ", ... (" + a.combinationOf().size() + " columns)" : "");
        String more = aliased.size() == 1 ? "" : " (" + (aliased.size() - 1) + " more aliased: "
                + aliased.subList(1, aliased.size()).stream().limit(5).map(b -> "\"" + names.get(b.column()) + "\"")
                        .collect(Collectors.joining(", ")) + (aliased.size() > 6 ? ", ..." : "") + ")";
        throw new InputException(prefix + what + more + suffix);
    }
}
