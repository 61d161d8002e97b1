package org.lmm4j.formula;

import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** A column's cells read as numbers, with what was found that is not a number. */
    private record Typed(double[] values, int numbers, int texts, int firstText, int firstNonFinite) {
        boolean numeric() {
            return texts == 0;
        }
    }

    /** A variable of the formula bound to the data: numeric values, or factor codes and levels. */
    private static final class Slot {
        final Variable variable;
        double[] values;     // numeric: by file row
        int[] codes;         // factor: level index by file row (−1 for a dropped row)
        List<String> levels; // factor: levels in order of appearance among the rows used
        boolean contrasted;  // factor: coded by treatment contrasts somewhere in the model

        Slot(Variable variable) {
            this.variable = variable;
        }

        boolean factor() {
            return codes != null;
        }
    }

    /** One column of X or Z: the product of numeric values and factor indicators. */
    private record Column(String name, double[][] numeric, int[][] factorCodes, int[] factorLevels) {
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
    }

    /** The state of one compilation (no state is shared between calls). */
    private static final class Compilation {
        private final DataTable table;
        private final Formula formula;
        private final CompileOptions options;
        private final String source;
        private final int rows;
        private final Map<String, Typed> typed = new HashMap<>();
        private final Map<Variable, Slot> slots = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        Compilation(DataTable table, Formula formula, CompileOptions options) {
            this.table = table;
            this.formula = formula;
            this.options = options;
            this.source = table.source() == null || table.source().isBlank() ? "the data" : table.source();
            this.rows = table.rows();
        }

        CompiledModel run() {
            RandomTerm random = formula.random();
            checkColumnsExist();
            String groupColumn = groupColumn(random);
            String timeColumn = options.timeColumn();
            if (timeColumn != null && table.indexOf(timeColumn) < 0) {
                throw new InputException("--time column \"" + timeColumn + "\" is not in " + source + "; columns are: "
                        + columnList());
            }
            if (rows == 0) {
                throw new InputException(source + " has no data rows");
            }
            checkResponseNotOnRight();

            // Typing: every cell of every column the model uses as a number must be a finite number.
            double[] y = responseValues();
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
            Typed time = timeColumn == null ? null : typeTime(timeColumn);

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
            boolean[] drop = new boolean[rows];
            for (String name : used) {
                String[] cells = table.column(name);
                for (int r = 0; r < rows; r++) {
                    if (missing(cells[r])) {
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
                throw new InputException("no rows left: every one of the " + rows + " rows of " + source
                        + " misses a value in a column the model uses (" + String.join(", ", used) + ")");
            }
            int[] keep = new int[kept];
            for (int r = 0, k = 0; r < rows; r++) {
                if (!drop[r]) {
                    keep[k++] = r;
                }
            }
            int dropped = rows - kept;

            checkResponseVaries(y, keep);
            for (Slot s : slots.values()) {
                if (s.factor()) {
                    codeLevels(s, keep);
                }
            }

            // Design columns, with R's rule for contrasts versus indicators.
            List<Column> fixed = columns(formula.intercept(), formula.terms());
            List<Column> randomCols = random == null ? List.of() : columns(random.intercept(), random.terms());
            int p = fixed.size();
            int q = randomCols.size();
            if ((long) kept * (p + q) > MAX_DESIGN_CELLS) {
                throw new InputException("the design is too large: " + kept + " rows × " + (p + q)
                        + " columns (a factor with very many levels in the fixed part?)");
            }

            // Groups in order of first appearance, rows in file order within a group.
            int[] groupOf = new int[kept];
            List<String> groupLabels = groups(groupColumn, keep, groupOf);
            int n = groupLabels.size();
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

            // Occasions.
            int[] occasion = new int[kept];
            List<String> occasionLabels = timeColumn == null
                    ? positionOccasions(offset, order, occasion)
                    : timeOccasions(timeColumn, time, keep, occasion);
            if (timeColumn != null) {
                checkOneRowPerOccasion(groupLabels, offset, order, occasion, keep, occasionLabels, timeColumn);
            }

            // Per-group arrays, plus X by column for the rank check.
            double[][] xByColumn = new double[p][kept];
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
                groups.add(new Group(groupLabels.get(g), yi, xi, zi, ti));
            }
            List<String> fixedNames = fixed.stream().map(Column::name).toList();
            checkRank(xByColumn, fixedNames);
            if (q > 0) {
                checkRandomEffectsIdentifiable(groups.size(), rowsUsed(groups), q, groupColumn);
            }

            for (Slot s : slots.values()) {
                if (s.factor() && s.contrasted) {
                    notes.add(s.variable.label() + ": reference level \"" + s.levels.get(0) + "\"");
                }
            }
            if (dropped > 0) {
                notes.add(dropped + (dropped == 1 ? " row with missing values dropped" : " rows with missing values dropped"));
            }
            ModelData data = new ModelData(groups, fixedNames, randomCols.stream().map(Column::name).toList(),
                    formula.response(), groupColumn, occasionLabels, dropped, notes);
            return new CompiledModel(data, random == null ? null : random.omegaStructure());
        }

        /**
         * lme4's checks on the random-effects design: the grouping factor needs at least two levels, fewer levels
         * than observations (else every group is a single row and Ω cannot be told apart from Σ) and fewer random
         * effects (levels × q) than observations. Groups of size one among larger groups are fine.
         */
        private void checkRandomEffectsIdentifiable(int levels, int observations, int q, String grouping) {
            if (levels < 2) {
                throw new InputException("grouping factor \"" + grouping + "\" has a single level: the random effects'"
                        + " covariance cannot be estimated from one group");
            }
            if (levels >= observations) {
                throw new InputException("grouping factor \"" + grouping + "\" has " + levels + " levels for "
                        + observations + " observations: every group is a single row, so the random effects cannot be"
                        + " told apart from the residual (the number of levels must be less than the number of observations)");
            }
            if ((long) levels * q >= observations) {
                throw new InputException("the model has " + levels + " × " + q + " = " + ((long) levels * q)
                        + " random effects for " + observations + " observations (grouping \"" + grouping
                        + "\"): there must be fewer random effects than observations");
            }
        }

        private static int rowsUsed(List<Group> groups) {
            int n = 0;
            for (Group g : groups) {
                n += g.size();
            }
            return n;
        }

        // ------------------------------------------------------------ columns and names

        private void checkColumnsExist() {
            for (Map.Entry<String, Integer> e : formula.positions().entrySet()) {
                String name = e.getKey();
                if (table.indexOf(name) < 0) {
                    List<String> close = closeMatches(name);
                    String hint = close.isEmpty() ? "" : "; did you mean "
                            + close.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(" or ")) + "?";
                    throw new InputException("formula error at column " + e.getValue() + ": unknown column \"" + name
                            + "\" in \"" + formula.text() + "\"" + hint + " The columns of " + source + " are: "
                            + columnList());
                }
            }
        }

        private String groupColumn(RandomTerm random) {
            String option = options.groupColumn();
            if (option != null && table.indexOf(option) < 0) {
                throw new InputException("group column \"" + option + "\" is not in " + source + "; columns are: "
                        + columnList());
            }
            if (random != null) {
                if (option != null && !option.equals(random.group())) {
                    throw new InputException("group column \"" + option + "\" differs from the grouping column \""
                            + random.group() + "\" of the random term in \"" + formula.text() + "\"");
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
                                + "\" also appears on the right-hand side of \"" + formula.text() + "\"");
                    }
                }
            }
            if (formula.random() != null && formula.random().group().equals(response)) {
                throw new InputException("formula error: the response \"" + response
                        + "\" cannot also be the grouping column in \"" + formula.text() + "\"");
            }
        }

        private List<Term> allTerms(RandomTerm random) {
            List<Term> all = new ArrayList<>(formula.terms());
            if (random != null) {
                all.addAll(random.terms());
            }
            return all;
        }

        private String columnList() {
            List<String> names = table.names();
            if (names.size() <= 40) {
                return String.join(", ", names);
            }
            return String.join(", ", names.subList(0, 40)) + ", ... (" + names.size() + " in all)";
        }

        private List<String> closeMatches(String name) {
            List<String> out = new ArrayList<>();
            String lower = name.toLowerCase(Locale.ROOT);
            for (String c : table.names()) {
                String cl = c.toLowerCase(Locale.ROOT);
                int limit = Math.max(1, Math.min(2, name.length() / 3));
                if (cl.equals(lower) || distance(cl, lower) <= limit
                        || (lower.length() >= 3 && (cl.startsWith(lower) || lower.startsWith(cl) && cl.length() >= 3))) {
                    out.add(c);
                }
            }
            return out;
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }

        // ------------------------------------------------------------ typing

        private static boolean missing(String cell) {
            return cell == null || cell.isBlank() || cell.equals("NA");
        }

        private Typed type(String column) {
            return typed.computeIfAbsent(column, name -> {
                String[] cells = table.column(name);
                double[] values = new double[rows];
                int numbers = 0;
                int texts = 0;
                int firstText = -1;
                int firstNonFinite = -1;
                for (int r = 0; r < rows; r++) {
                    String cell = cells[r];
                    if (missing(cell)) {
                        values[r] = Double.NaN;
                        continue;
                    }
                    double v = NumberCells.parse(cell);
                    values[r] = v;
                    if (!Double.isNaN(v)) {
                        numbers++;
                    } else if (NumberCells.isNonFinite(cell)) {
                        numbers++;
                        if (firstNonFinite < 0) {
                            firstNonFinite = r;
                        }
                    } else {
                        texts++;
                        if (firstText < 0) {
                            firstText = r;
                        }
                    }
                }
                return new Typed(values, numbers, texts, firstText, firstNonFinite);
            });
        }

        private String where(int row, String column) {
            return source + " line " + (row + 2) + " (data row " + (row + 1) + "), column \"" + column + "\"";
        }

        private String cell(String column, int row) {
            return "\"" + table.column(column)[row] + "\"";
        }

        /** A column used as a number: numeric, or an error at its first bad cell when it is mostly numbers. */
        private boolean numericOrError(String column, Typed t) {
            if (t.numeric()) {
                if (t.firstNonFinite() >= 0) {
                    throw new InputException(where(t.firstNonFinite(), column) + ": "
                            + cell(column, t.firstNonFinite()) + " is not a finite number (or exceeds 1e150 in magnitude)");
                }
                return true;
            }
            if (t.numbers() > t.texts()) {
                throw new InputException(where(t.firstText(), column) + ": " + cell(column, t.firstText())
                        + " is not a number");
            }
            return false;
        }

        private double[] responseValues() {
            String response = formula.response();
            Typed t = type(response);
            if (!numericOrError(response, t)) {
                throw new InputException(where(t.firstText(), response) + ": the response must be numeric, found "
                        + cell(response, t.firstText()));
            }
            return t.values();
        }

        private void bind(Variable v) {
            Slot s = new Slot(v);
            Typed t = type(v.column());
            if (v.asFactor()) {
                s.codes = new int[0]; // marks a factor; coded after the rows are known
            } else if (numericOrError(v.column(), t)) {
                s.values = t.values();
            } else {
                s.codes = new int[0];
            }
            slots.put(v, s);
        }

        private Typed typeTime(String column) {
            Typed t = type(column);
            numericOrError(column, t);
            return t;
        }

        /** Factor levels in order of appearance among the rows used; numbers labelled without ".0". */
        private void codeLevels(Slot s, int[] keep) {
            String column = s.variable.column();
            String[] cells = table.column(column);
            Typed t = type(column);
            boolean byValue = t.numeric() && t.firstNonFinite() < 0;
            int[] codes = new int[rows];
            Arrays.fill(codes, -1);
            List<String> levels = new ArrayList<>();
            Map<String, Integer> index = new HashMap<>();
            for (int r : keep) {
                String key = byValue ? NumberCells.format(t.values()[r]) : cells[r];
                Integer code = index.get(key);
                if (code == null) {
                    code = levels.size();
                    index.put(key, code);
                    levels.add(key);
                }
                codes[r] = code;
            }
            s.codes = codes;
            s.levels = levels;
        }

        private void checkResponseVaries(double[] y, int[] keep) {
            double first = y[keep[0]];
            for (int r : keep) {
                if (y[r] != first) {
                    return;
                }
            }
            throw new InputException("response \"" + formula.response() + "\" is constant (all values "
                    + NumberCells.format(first) + ")");
        }

        // ------------------------------------------------------------ design columns

        /**
         * The columns for an intercept and terms: R's rule — a factor F in term T gets full indicator coding when
         * T without F (the empty term being the intercept) is not in the model, treatment contrasts otherwise.
         */
        private List<Column> columns(boolean intercept, List<Term> terms) {
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
                        levelChoices[j] = new int[] {-1};
                        continue;
                    }
                    Set<Variable> rest = new HashSet<>(vs);
                    rest.remove(vs.get(j));
                    boolean contrasts = rest.isEmpty() ? intercept : present.contains(rest);
                    int levels = s.levels.size();
                    if (contrasts) {
                        if (levels < 2) {
                            throw new InputException("factor \"" + s.variable.label() + "\" has only one level (\""
                                    + s.levels.get(0) + "\") in the rows used, so it has no contrasts; drop it from \""
                                    + formula.text() + "\"");
                        }
                        s.contrasted = true;
                    }
                    int from = contrasts ? 1 : 0;
                    levelChoices[j] = new int[levels - from];
                    for (int l = from; l < levels; l++) {
                        levelChoices[j][l - from] = l;
                    }
                }
                // Cartesian product, first variable varying fastest (R's model.matrix order).
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
                            nums.add(s.values);
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

        private void checkRank(double[][] xByColumn, List<String> names) {
            List<RankCheck.Alias> aliased = RankCheck.aliased(xByColumn);
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
            throw new InputException("the fixed-effects design is rank deficient: " + what + more);
        }

        // ------------------------------------------------------------ groups and occasions

        private List<String> groups(String groupColumn, int[] keep, int[] groupOf) {
            List<String> labels = new ArrayList<>();
            if (groupColumn == null) {
                for (int k = 0; k < keep.length; k++) {
                    groupOf[k] = k;
                    labels.add(Integer.toString(keep[k] + 1));
                }
                return labels;
            }
            String[] cells = table.column(groupColumn);
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < keep.length; k++) {
                String label = cells[keep[k]];
                Integer g = index.get(label);
                if (g == null) {
                    g = labels.size();
                    index.put(label, g);
                    labels.add(label);
                }
                groupOf[k] = g;
            }
            return labels;
        }

        private static List<String> positionOccasions(int[] offset, int[] order, int[] occasion) {
            int max = 0;
            for (int g = 0; g + 1 < offset.length; g++) {
                for (int pos = offset[g]; pos < offset[g + 1]; pos++) {
                    occasion[order[pos]] = pos - offset[g];
                }
                max = Math.max(max, offset[g + 1] - offset[g]);
            }
            List<String> labels = new ArrayList<>(max);
            for (int t = 1; t <= max; t++) {
                labels.add(Integer.toString(t));
            }
            return labels;
        }

        private List<String> timeOccasions(String column, Typed time, int[] keep, int[] occasion) {
            List<String> labels = new ArrayList<>();
            if (time.numeric()) {
                double[] values = new double[keep.length];
                for (int k = 0; k < keep.length; k++) {
                    values[k] = time.values()[keep[k]];
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
                for (double v : distinct) {
                    labels.add(NumberCells.format(v));
                }
                return labels;
            }
            String[] cells = table.column(column);
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < keep.length; k++) {
                String label = cells[keep[k]];
                Integer t = index.get(label);
                if (t == null) {
                    t = labels.size();
                    index.put(label, t);
                    labels.add(label);
                }
                occasion[k] = t;
            }
            return labels;
        }

        private void checkOneRowPerOccasion(List<String> groupLabels, int[] offset, int[] order, int[] occasion,
                                            int[] keep, List<String> occasionLabels, String timeColumn) {
            int[] seenInGroup = new int[occasionLabels.size()];
            int[] seenRow = new int[occasionLabels.size()];
            Arrays.fill(seenInGroup, -1);
            for (int g = 0; g + 1 < offset.length; g++) {
                for (int pos = offset[g]; pos < offset[g + 1]; pos++) {
                    int k = order[pos];
                    int t = occasion[k];
                    if (seenInGroup[t] == g) {
                        throw new InputException("group \"" + groupLabels.get(g) + "\" has two rows at occasion \""
                                + occasionLabels.get(t) + "\" of time column \"" + timeColumn + "\" (" + source
                                + " lines " + (seenRow[t] + 2) + " and " + (keep[k] + 2) + ")");
                    }
                    seenInGroup[t] = g;
                    seenRow[t] = keep[k];
                }
            }
        }
    }
}
