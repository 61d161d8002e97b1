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
import org.lmm4j.likelihood.GroupReduce;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;
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
        if (LOG.isDebugEnabled() && model.frame() != null) {
            LOG.debug("compiled \"{}\": N = {}, p = {}, {} random terms in {} ms", formula.text(),
                    model.frame().observations(), model.frame().p(), model.frame().terms().size(),
                    (System.nanoTime() - start) / 1_000_000);
        } else if (LOG.isDebugEnabled()) {
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
            List<RandomTerm> randoms = formula.randomTerms();
            checkColumnsExist();
            checkStructures(randoms);
            String groupColumn = groupColumn(randoms);
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
            for (Term t : allTerms()) {
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
            variables.forEach(v -> v.columns().stream().filter(c -> table.indexOf(c) >= 0).forEach(used::add));
            randoms.forEach(r -> used.addAll(r.factors()));
            if (groupColumn != null) {
                used.add(groupColumn);
            }
            if (timeColumn != null) {
                used.add(timeColumn);
            }
            int[] keep = keptRows(used);
            int kept = keep.length;
            int dropped = rows - kept;

            if (options.coding() == null) {
                ColumnTyping.checkVaries(formula.response(), y, keep);
            }
            boolean[] usedRow = new boolean[rows];
            for (int r : keep) {
                usedRow[r] = true;
            }
            for (Slot s : slots.values()) {
                if (s.factor()) {
                    String column = s.variable.columns().iterator().next();
                    LevelCodes local = LevelCodes.of(table.data(column), keep);
                    s.code(options.coding() == null ? local : options.coding().global(column, local), keep, rows);
                } else if (s.values == null) {
                    if (options.coding() != null && VariableValues.dataDependent(s.variable.expression())) {
                        throw new InputException(s.variable.label() + ": poly() and scale() take their values from "
                                + "all rows at once, which a data set split over machines does not have in one place; "
                                + "compute the column before fitting");
                    }
                    VariableValues.Values v = VariableValues.of(s.variable,
                            name -> table.indexOf(name) < 0 ? null : typing.type(name).values(), usedRow, messages);
                    s.values = v.columns();
                    s.suffixes = v.suffixes();
                }
            }

            // Design columns, with R's rule for contrasts versus indicators.
            List<Column> fixed = DesignColumns.of(formula.intercept(), formula.terms(), slots, messages.formula());
            List<List<Column>> randomCols = new ArrayList<>();
            long width = fixed.size();
            for (RandomTerm r : randoms) {
                List<Column> cols = DesignColumns.of(r.intercept(), r.terms(), slots, messages.formula());
                randomCols.add(cols);
                width += cols.size();
            }
            if ((long) kept * width > MAX_DESIGN_CELLS) {
                throw new InputException("the design is too large: " + kept + " rows × " + width
                        + " columns (a factor with very many levels in the fixed part?)");
            }
            List<String> fixedNames = fixed.stream().map(Column::name).toList();
            CompiledModel model = randoms.size() <= 1
                    ? perGroup(randoms, randomCols, groupColumn, timeColumn, numericTime, keep, y, fixed)
                    : frame(randoms, randomCols, groupColumn, timeColumn, numericTime, keep, y, fixed);
            notes.addAll(0, table.notes());
            for (Slot s : slots.values()) {
                if (s.factor() && s.contrasted) {
                    notes.add(s.variable.label() + ": reference level \"" + Excerpt.cut(s.levels.get(0)) + "\"");
                }
            }
            if (dropped > 0) {
                notes.add(dropped + (dropped == 1 ? " row with missing values dropped" : " rows with missing values dropped"));
            }
            return model.multiTerm()
                    ? new CompiledModel(null, null, table.fingerprint(), withNotes(model.frame(), dropped))
                    : new CompiledModel(withNotes(model.data(), dropped), model.omegaStructure(), table.fingerprint());
        }

        private ModelData withNotes(ModelData d, int dropped) {
            return new ModelData(d.groups(), d.fixedNames(), d.randomNames(), d.response(), d.grouping(),
                    d.occasionLabels(), dropped, notes);
        }

        private ModelFrame withNotes(ModelFrame f, int dropped) {
            return new ModelFrame(f.y(), f.x(), f.fixedNames(), f.response(), f.terms(), f.occasion(),
                    f.occasionLabels(), dropped, notes);
        }

        /** A marginal model or one random term: the per-group form, grouped by the term's (interaction) factor. */
        private CompiledModel perGroup(List<RandomTerm> randoms, List<List<Column>> randomCols, String groupColumn,
                                       String timeColumn, boolean numericTime, int[] keep, double[] y,
                                       List<Column> fixed) {
            RandomTerm random = randoms.isEmpty() ? null : randoms.get(0);
            List<Column> z = random == null ? List.of() : randomCols.get(0);
            int kept = keep.length;
            GroupsAndOccasions grouped = random == null
                    ? GroupsAndOccasions.of(groupColumn == null ? null : table.data(groupColumn), keep)
                    : GroupsAndOccasions.of(levels(random, keep));
            int[] occasion = new int[kept];
            List<String> occasionLabels = occasions(grouped, timeColumn, numericTime, keep, occasion);
            List<Group> groups = groups(grouped, keep, occasion, y, fixed, z);
            String grouping = groupColumn;
            if (random != null) {
                grouping = random.factors().size() == 1 ? random.factors().get(0) : random.group();
                checkTerm(random, z, grouped.count(), keep);
            }
            ModelData data = new ModelData(groups, fixed.stream().map(Column::name).toList(),
                    z.stream().map(Column::name).toList(), formula.response(), grouping, occasionLabels, 0, List.of());
            return new CompiledModel(data, random == null ? null : random.structure(), null);
        }

        /** Two or more random terms: the frame in row order, each term with its levels and its design rows. */
        private CompiledModel frame(List<RandomTerm> randoms, List<List<Column>> randomCols, String groupColumn,
                                    String timeColumn, boolean numericTime, int[] keep, double[] y,
                                    List<Column> fixed) {
            int kept = keep.length;
            int p = fixed.size();
            double[] ys = new double[kept];
            double[] x = new double[kept * p];
            double[][] xByColumn = new double[p][kept];
            for (int k = 0; k < kept; k++) {
                int r = keep[k];
                ys[k] = y[r];
                for (int c = 0; c < p; c++) {
                    double v = fixed.get(c).at(r);
                    x[k * p + c] = v;
                    xByColumn[c][k] = v;
                }
            }
            List<String> fixedNames = fixed.stream().map(Column::name).toList();
            if (options.coding() == null) {
                DesignColumns.checkRank(xByColumn, fixedNames);
            }
            List<RandomEffectsTerm> terms = new ArrayList<>();
            List<LevelCodes> termLevels = new ArrayList<>();
            for (int t = 0; t < randoms.size(); t++) {
                RandomTerm r = randoms.get(t);
                List<Column> cols = randomCols.get(t);
                LevelCodes levels = levels(r, keep);
                checkTerm(r, cols, levels.labels().size(), keep);
                int q = cols.size();
                double[] z = new double[kept * q];
                for (int k = 0; k < kept; k++) {
                    for (int c = 0; c < q; c++) {
                        z[k * q + c] = cols.get(c).at(keep[k]);
                    }
                }
                termLevels.add(levels);
                terms.add(new RandomEffectsTerm(r.group(), r.nesting(), levels.labels(), levels.codes(),
                        cols.stream().map(Column::name).toList(), z, r.structure()));
            }
            GroupsAndOccasions outer = groupColumn != null
                    ? GroupsAndOccasions.of(table.data(groupColumn), keep)
                    : GroupsAndOccasions.of(termLevels.get(outermost(termLevels)));
            int[] occasion = new int[kept];
            List<String> occasionLabels = occasions(outer, timeColumn, numericTime, keep, occasion);
            ModelFrame frame = new ModelFrame(ys, x, fixedNames, formula.response(), terms, occasion, occasionLabels,
                    0, List.of());
            return new CompiledModel(null, null, null, frame);
        }

        /** The occasion of each kept row: from the time column, else the position within its (outer) group. */
        private List<String> occasions(GroupsAndOccasions grouped, String timeColumn, boolean numericTime, int[] keep,
                                       int[] occasion) {
            List<String> labels;
            if (timeColumn == null) {
                labels = grouped.positionOccasions(occasion);
            } else {
                labels = GroupsAndOccasions.timeOccasions(table.data(timeColumn), numericTime, keep, occasion);
                grouped.checkOneRowPerOccasion(occasion, keep, labels, timeColumn, messages);
            }
            Coding coding = options.coding();
            if (coding == null || coding.occasions() == null) {
                return labels;
            }
            System.arraycopy(Coding.renumber(occasion, labels, coding.occasions(),
                    timeColumn == null ? "the occasions" : "--time column \"" + timeColumn + "\""), 0, occasion, 0,
                    occasion.length);
            return coding.occasions();
        }

        /**
         * The term within whose levels every other term's levels nest (each inner level inside one outer level),
         * the one with the fewest levels; the first term when the terms are crossed.
         */
        private static int outermost(List<LevelCodes> levels) {
            int best = -1;
            for (int a = 0; a < levels.size(); a++) {
                boolean all = true;
                for (int b = 0; b < levels.size() && all; b++) {
                    all = a == b || nests(levels.get(b), levels.get(a));
                }
                if (all && (best < 0 || levels.get(a).labels().size() < levels.get(best).labels().size())) {
                    best = a;
                }
            }
            return Math.max(best, 0);
        }

        /** Whether every level of {@code inner} occurs within a single level of {@code outer}. */
        private static boolean nests(LevelCodes inner, LevelCodes outer) {
            int[] outerOf = new int[inner.labels().size()];
            java.util.Arrays.fill(outerOf, -1);
            for (int k = 0; k < inner.codes().length; k++) {
                int i = inner.codes()[k];
                int o = outer.codes()[k];
                if (outerOf[i] < 0) {
                    outerOf[i] = o;
                } else if (outerOf[i] != o) {
                    return false;
                }
            }
            return true;
        }

        /** The levels of a term's grouping: one column's, or the interaction of several in the order of its label. */
        private LevelCodes levels(RandomTerm r, int[] keep) {
            List<LevelCodes> parts = new ArrayList<>();
            for (String f : r.factors()) {
                parts.add(LevelCodes.of(table.data(f), keep));
            }
            return LevelCodes.interaction(parts);
        }

        /** lme4's per-term checks, and that the term's columns are not aliased over the rows used. */
        private void checkTerm(RandomTerm r, List<Column> cols, int levels, int[] keep) {
            if (options.coding() != null) {
                return; // over the whole data, by the caller
            }
            GroupsAndOccasions.checkRandomEffectsIdentifiable(levels, keep.length, cols.size(),
                    r.factors().size() == 1 ? r.factors().get(0) : r.group(), r.label());
            double[][] byColumn = new double[cols.size()][keep.length];
            for (int c = 0; c < cols.size(); c++) {
                double[] v = cols.get(c).values(rows);
                for (int k = 0; k < keep.length; k++) {
                    byColumn[c][k] = v[keep[k]];
                }
            }
            DesignColumns.checkRandomRank(byColumn, cols.stream().map(Column::name).toList(), r.label());
        }

        /** A structure the formula names must exist (when the caller said which exist). */
        private void checkStructures(List<RandomTerm> randoms) {
            Set<String> known = options.structures();
            if (known == null) {
                return;
            }
            for (RandomTerm r : randoms) {
                if (r.structurePosition() > 0 && !known.contains(r.structure())) {
                    List<String> names = new ArrayList<>();
                    FormulaParser.STRUCTURE_ALIASES.forEach((alias, target) -> {
                        if (known.contains(target) && !alias.equals(target)) {
                            names.add(alias + " (" + target + ")");
                        }
                    });
                    known.stream().sorted().forEach(names::add);
                    java.util.Collections.sort(names);
                    throw new InputException("formula error at column " + r.structurePosition()
                            + ": unknown covariance structure \"" + Excerpt.cut(r.structure()) + "\" in "
                            + messages.formula() + "; known structures: " + String.join(", ", names));
                }
            }
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

        /**
         * The per-group arrays y_i, X_i, Z_i, t_i, on both cores for large data (each group writes only its own rows);
         * X is also gathered by column for the rank check.
         */
        private List<Group> groups(GroupsAndOccasions grouped, int[] keep, int[] occasion, double[] y,
                                   List<Column> fixed, List<Column> randomCols) {
            int p = fixed.size();
            int q = randomCols.size();
            int n = grouped.count();
            int[] offset = grouped.offset();
            int[] order = grouped.order();
            double[][] xByColumn = new double[p][keep.length];
            double[][] xs = new double[p][];
            for (int c = 0; c < p; c++) {
                xs[c] = fixed.get(c).values(rows);
            }
            double[][] zs = new double[q][];
            for (int c = 0; c < q; c++) {
                zs[c] = randomCols.get(c).values(rows);
            }
            List<Group> groups = GroupReduce.map(n, keep.length, g -> {
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
                        double v = xs[c][r];
                        xi[i * p + c] = v;
                        xByColumn[c][pos] = v;
                    }
                    for (int c = 0; c < q; c++) {
                        zi[i * q + c] = zs[c][r];
                    }
                }
                return new Group(grouped.labels().get(g), yi, xi, zi, ti);
            });
            if (options.coding() == null) {
                DesignColumns.checkRank(xByColumn, fixed.stream().map(Column::name).toList());
            }
            return groups;
        }

        private void bind(Variable v) {
            Slot s = new Slot(v);
            if (v.plainColumn() || v.asFactor()) {
                String column = v.columns().iterator().next();
                if (v.asFactor() || !typing.numericOrError(column)) {
                    s.codes = new int[0]; // marks a factor; coded after the rows are known
                } else {
                    s.values = new double[][] {typing.type(column).values()};
                    s.suffixes = List.of("");
                }
            } else {
                for (String column : v.columns()) {
                    if (table.indexOf(column) >= 0 && !typing.numericOrError(column)) {
                        ColumnTyping.Typed t = typing.type(column);
                        throw new InputException("formula error at column " + formula.positions().get(column) + ": "
                                + v.label() + " needs numbers, but column \"" + Excerpt.cut(column) + "\" holds text ("
                                + messages.cell(column, t.firstText()) + ") in " + messages.formula());
                    }
                }
            }
            slots.put(v, s);
        }

        private void checkColumnsExist() {
            for (Map.Entry<String, Integer> e : formula.positions().entrySet()) {
                String name = e.getKey();
                if (table.indexOf(name) < 0 && !(name.equals("pi") && usedAsConstant())) {
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

        /** Whether {@code pi} appears only inside expressions (where, absent from the data, it is the constant). */
        private boolean usedAsConstant() {
            for (Term t : allTerms()) {
                for (Variable v : t.variables()) {
                    if (v.plainColumn() && v.columns().contains("pi")) {
                        return false;
                    }
                }
            }
            return formula.randomTerms().stream().noneMatch(r -> r.factors().contains("pi"))
                    && !formula.response().equals("pi");
        }

        private String groupColumn(List<RandomTerm> randoms) {
            String option = options.groupColumn();
            if (option != null && table.indexOf(option) < 0) {
                throw new InputException("group column \"" + option + "\" is not in " + messages.source()
                        + "; columns are: " + messages.columnList());
            }
            if (randoms.size() == 1) {
                RandomTerm random = randoms.get(0);
                if (option != null && !(random.factors().size() == 1 && option.equals(random.factors().get(0)))) {
                    throw new InputException("group column \"" + option + "\" differs from the grouping column \""
                            + random.group() + "\" of the random term in " + messages.formula());
                }
                return random.factors().size() == 1 ? random.factors().get(0) : null;
            }
            if (option != null && !randoms.isEmpty() && randoms.stream().noneMatch(r -> r.factors().contains(option))) {
                throw new InputException("group column \"" + option + "\" is not a grouping factor of the random terms"
                        + " of " + messages.formula());
            }
            return option;
        }

        private void checkResponseNotOnRight() {
            String response = formula.response();
            for (Term t : allTerms()) {
                for (Variable v : t.variables()) {
                    if (v.columns().contains(response)) {
                        throw new InputException("formula error: the response \"" + response
                                + "\" also appears on the right-hand side of " + messages.formula());
                    }
                }
            }
            for (RandomTerm r : formula.randomTerms()) {
                if (r.factors().contains(response)) {
                    throw new InputException("formula error: the response \"" + response
                            + "\" cannot also be the grouping column in " + messages.formula());
                }
            }
        }

        private List<Term> allTerms() {
            List<Term> all = new ArrayList<>(formula.terms());
            for (RandomTerm r : formula.randomTerms()) {
                all.addAll(r.terms());
            }
            return all;
        }
    }
}
