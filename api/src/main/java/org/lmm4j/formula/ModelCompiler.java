package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.data.Excerpt;
import org.lmm4j.formula.DesignColumns.Column;
import org.lmm4j.formula.DesignColumns.Slot;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a {@link Formula} against a {@link DataTable} into the per-group data of the model
 * y_i = X_i β + Z_i b_i + e_i (docs/DESIGN.md §1): the response y_i, the fixed-effects design X_i, the random-effects
 * design Z_i and the occasion index t_i of every row of group i.
 *
 * <p>Rules, as in R and lme4: a column is numeric when every non-missing cell is a number and a factor when it
 * holds text (or when written {@code factor(x)}); factors get treatment contrasts with the first level in order
 * of appearance as reference, except where R's rule gives full indicator coding (a factor in a term is coded by
 * indicators when the term without that factor is not in the model, the intercept being the empty term); rows
 * missing a value the model uses are dropped and counted; groups come in order of first appearance and the rows
 * of a group in file order; a rank-deficient X is an error naming the aliased columns. Everything is done on
 * primitive arrays in a few passes over the rows, so a million-row table compiles in about a second.
 * Every problem with the input is an {@link InputException} with one line naming what and where.
 */
public final class ModelCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCompiler.class);

    /** Largest N·(p + q) design held in memory (doubles). */
    static final long MAX_DESIGN_CELLS = 150_000_000L;

    private ModelCompiler() {
    }

    /** Parses {@code formula} and compiles it against {@code table}; see {@link #compile(DataTable, Formula, CompileOptions)}. */
    public static CompiledModel compile(DataTable table, String formula, CompileOptions options) {
        return compile(table, Formula.parse(formula), options);
    }

    /**
     * Compiles a parsed formula against a table.
     *
     * @param options time and group columns; null means {@link CompileOptions#none()}
     * @throws InputException for any problem with the formula or the data, in one line naming what and where
     */
    public static CompiledModel compile(DataTable table, Formula formula, CompileOptions options) {
        long start = System.nanoTime();
        CompiledModel model = new Compilation(table, formula, options == null ? CompileOptions.none() : options).run();
        if (LOG.isDebugEnabled()) {
            ModelData d = model.data();
            LOG.debug("compiled \"{}\": N = {}, n = {}, p = {}, q = {}, T = {} in {} ms", formula.text(),
                    d.observations(), d.groupCount(), d.p(), d.q(), d.occasions(), (System.nanoTime() - start) / 1_000_000);
        }
        return model;
    }

    /** The state of one compilation (no state is shared between calls). */
    private static final class Compilation {
        private final DataTable table;
        private final Formula formula;
        private final CompileOptions options;
        private final CompileMessages messages;
        private final ColumnTyping typing;
        private final int rows;
        private final Map<Variable, Slot> slots = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        Compilation(DataTable table, Formula formula, CompileOptions options) {
            this.table = table;
            this.formula = formula;
            this.options = options;
            this.messages = new CompileMessages(table, formula);
            this.typing = new ColumnTyping(table, messages);
            this.rows = table.rows();
        }

        CompiledModel run() {
            RandomTerm random = formula.random();
            checkColumnsExist();
            String groupColumn = groupColumn(random);
            String timeColumn = options.timeColumn();
            if (timeColumn != null && table.indexOf(timeColumn) < 0) {
                throw new InputException("--time column \"" + timeColumn + "\" is not in " + messages.source()
                        + "; columns are: " + messages.columnList());
            }
            if (rows == 0) {
                throw new InputException(messages.source() + " has no data rows");
            }
            checkResponseNotOnRight();

            // Typing: every cell of every column the model uses as a number must be a finite number.
            double[] y = typing.response(formula.response());
            List<Variable> variables = new ArrayList<>();
            for (Term t : allTerms(random)) {
                for (Variable v : t.variables()) {
                    if (!variables.contains(v)) {
                        variables.add(v);
                    }
                }
            }
            for (Variable v : variables) {
                bind(v);
            }
            boolean numericTime = timeColumn != null && typing.numericOrError(timeColumn);

            // Rows missing a value in any column the model uses are dropped.
            Set<String> used = new LinkedHashSet<>();
            used.add(formula.response());
            variables.forEach(v -> used.add(v.column()));
            if (groupColumn != null) {
                used.add(groupColumn);
            }
            if (timeColumn != null) {
                used.add(timeColumn);
            }
            int[] keep = keptRows(used);
            int kept = keep.length;
            int dropped = rows - kept;

            ColumnTyping.checkVaries(formula.response(), y, keep);
            for (Slot s : slots.values()) {
                if (s.factor()) {
                    s.code(LevelCodes.of(table.data(s.variable.column()), keep), keep, rows);
                }
            }

            // Design columns, with R's rule for contrasts versus indicators.
            List<Column> fixed = DesignColumns.of(formula.intercept(), formula.terms(), slots, messages.formula());
            List<Column> randomCols = random == null ? List.of()
                    : DesignColumns.of(random.intercept(), random.terms(), slots, messages.formula());
            int p = fixed.size();
            int q = randomCols.size();
            if ((long) kept * (p + q) > MAX_DESIGN_CELLS) {
                throw new InputException("the design is too large: " + kept + " rows × " + (p + q)
                        + " columns (a factor with very many levels in the fixed part?)");
            }

            // Groups in order of first appearance, rows in file order within a group; then occasions.
            GroupsAndOccasions grouped = GroupsAndOccasions.of(groupColumn == null ? null : table.data(groupColumn), keep);
            int[] occasion = new int[kept];
            List<String> occasionLabels = timeColumn == null
                    ? grouped.positionOccasions(occasion)
                    : GroupsAndOccasions.timeOccasions(table.data(timeColumn), numericTime, keep, occasion);
            if (timeColumn != null) {
                grouped.checkOneRowPerOccasion(occasion, keep, occasionLabels, timeColumn, messages);
            }

            List<Group> groups = groups(grouped, keep, occasion, y, fixed, randomCols);
            List<String> fixedNames = fixed.stream().map(Column::name).toList();
            if (q > 0) {
                grouped.checkRandomEffectsIdentifiable(kept, q, groupColumn);
            }

            notes.addAll(table.notes());
            for (Slot s : slots.values()) {
                if (s.factor() && s.contrasted) {
                    notes.add(s.variable.label() + ": reference level \"" + Excerpt.cut(s.levels.get(0)) + "\"");
                }
            }
            if (dropped > 0) {
                notes.add(dropped + (dropped == 1 ? " row with missing values dropped" : " rows with missing values dropped"));
            }
            ModelData data = new ModelData(groups, fixedNames, randomCols.stream().map(Column::name).toList(),
                    formula.response(), groupColumn, occasionLabels, dropped, notes);
            return new CompiledModel(data, random == null ? null : random.omegaStructure(), table.fingerprint());
        }

        /** The rows (file order) with a value in every column of {@code used}; an error when none is left. */
        private int[] keptRows(Set<String> used) {
            boolean[] drop = new boolean[rows];
            for (String name : used) {
                DataColumn c = table.data(name);
                for (int r = 0; r < rows; r++) {
                    if (c.missing(r)) {
                        drop[r] = true;
                    }
                }
            }
            int kept = 0;
            for (boolean d : drop) {
                if (!d) {
                    kept++;
                }
            }
            if (kept == 0) {
                throw new InputException("no rows left: every one of the " + rows + " rows of " + messages.source()
                        + " misses a value in a column the model uses (" + String.join(", ", used) + ")");
            }
            int[] keep = new int[kept];
            for (int r = 0, k = 0; r < rows; r++) {
                if (!drop[r]) {
                    keep[k++] = r;
                }
            }
            return keep;
        }

        /** The per-group arrays y_i, X_i, Z_i, t_i; X is also gathered by column for the rank check. */
        private List<Group> groups(GroupsAndOccasions grouped, int[] keep, int[] occasion, double[] y,
                                   List<Column> fixed, List<Column> randomCols) {
            int p = fixed.size();
            int q = randomCols.size();
            int n = grouped.count();
            int[] offset = grouped.offset();
            int[] order = grouped.order();
            double[][] xByColumn = new double[p][keep.length];
            List<Group> groups = new ArrayList<>(n);
            for (int g = 0; g < n; g++) {
                int m = offset[g + 1] - offset[g];
                double[] yi = new double[m];
                double[] xi = new double[m * p];
                double[] zi = new double[m * q];
                int[] ti = new int[m];
                for (int i = 0; i < m; i++) {
                    int pos = offset[g] + i;
                    int k = order[pos];
                    int r = keep[k];
                    yi[i] = y[r];
                    ti[i] = occasion[k];
                    for (int c = 0; c < p; c++) {
                        double v = fixed.get(c).at(r);
                        xi[i * p + c] = v;
                        xByColumn[c][pos] = v;
                    }
                    for (int c = 0; c < q; c++) {
                        zi[i * q + c] = randomCols.get(c).at(r);
                    }
                }
                groups.add(new Group(grouped.labels().get(g), yi, xi, zi, ti));
            }
            DesignColumns.checkRank(xByColumn, fixed.stream().map(Column::name).toList());
            return groups;
        }

        private void bind(Variable v) {
            Slot s = new Slot(v);
            if (v.asFactor() || !typing.numericOrError(v.column())) {
                s.codes = new int[0]; // marks a factor; coded after the rows are known
            } else {
                s.values = typing.type(v.column()).values();
            }
            slots.put(v, s);
        }

        private void checkColumnsExist() {
            for (Map.Entry<String, Integer> e : formula.positions().entrySet()) {
                String name = e.getKey();
                if (table.indexOf(name) < 0) {
                    throw new InputException("formula error at column " + e.getValue() + ": unknown column \""
                            + Excerpt.cut(name) + "\" in " + messages.formula() + messages.didYouMean(name)
                            + " The columns of " + messages.source() + " are: " + messages.columnList() + backtickHint(name));
                }
            }
        }

        /** A hint at backticks when a mistyped name looks like part of a column name with blanks or symbols. */
        private String backtickHint(String name) {
            for (String c : table.names()) {
                if (!c.equals(name) && c.contains(name) && !c.matches("[A-Za-z._][A-Za-z0-9._]*")) {
                    return " (a name with blanks or symbols is written in backticks: `" + Excerpt.cut(c) + "`)";
                }
            }
            return "";
        }

        private String groupColumn(RandomTerm random) {
            String option = options.groupColumn();
            if (option != null && table.indexOf(option) < 0) {
                throw new InputException("group column \"" + option + "\" is not in " + messages.source()
                        + "; columns are: " + messages.columnList());
            }
            if (random != null) {
                if (option != null && !option.equals(random.group())) {
                    throw new InputException("group column \"" + option + "\" differs from the grouping column \""
                            + random.group() + "\" of the random term in " + messages.formula());
                }
                return random.group();
            }
            return option;
        }

        private void checkResponseNotOnRight() {
            String response = formula.response();
            for (Term t : allTerms(formula.random())) {
                for (Variable v : t.variables()) {
                    if (v.column().equals(response)) {
                        throw new InputException("formula error: the response \"" + response
                                + "\" also appears on the right-hand side of " + messages.formula());
                    }
                }
            }
            if (formula.random() != null && formula.random().group().equals(response)) {
                throw new InputException("formula error: the response \"" + response
                        + "\" cannot also be the grouping column in " + messages.formula());
            }
        }

        private List<Term> allTerms(RandomTerm random) {
            List<Term> all = new ArrayList<>(formula.terms());
            if (random != null) {
                all.addAll(random.terms());
            }
            return all;
        }
    }
}
