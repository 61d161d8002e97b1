package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.formula.Formula;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.formula.Term;
import org.lmm4j.formula.Variable;
import org.lmm4j.model.Group;

/**
 * Fitted values and predictions: fixed_r = x_r'β̂ and fitted_r = x_r'β̂ + z_r'b̂_g (lme4's {@code predict(m)} and
 * {@code predict(m, re.form = NA)}). The design rows x_r, z_r of any table are made by the model compiler itself,
 * so factors are coded exactly as in the fit: the table is compiled with its response replaced by the row
 * number (which the compiled groups then carry back), new data together with the fitting data so that factor
 * levels keep the fit's order, and with the new rows' groups kept apart so that new data never mixes with the
 * fitting data's groups.
 */
public final class Predictor {

    /** Marks the new rows' groups while they are compiled beside the fitting data. */
    private static final String NEW_GROUP = "\u0001new:";

    private Predictor() {
    }

    /** Fitted values, population-level values and residuals for the rows of the fitting data the fit used. */
    public static Predictions fitting(FitResult fit, String formula, DataTable table) {
        Formula f = Formula.parse(formula);
        List<String> columns = columns(f, table, "the data");
        DataTable indexed = indexed(table, f.response(), columns, 0, false, null);
        List<Row> rows = rows(ModelCompiler.compile(indexed, f, CompileOptions.none()), fit, formula);
        return predict(fit, rows, table, f.response(), List.of());
    }

    /**
     * Predictions for new data: with the BLUPs of the groups the fit has seen, at the population level for rows of
     * groups it has not seen (counted in a note). Every covariate the formula uses must be present.
     *
     * @param training  the table the model was fitted to (its factor levels code the new rows)
     */
    public static Predictions newData(FitResult fit, String formula, DataTable training, DataTable newData) {
        Formula f = Formula.parse(formula);
        if (f.dataDependent()) {
            // poly() and scale() computed on the new rows together with the fitting rows would not be the fit's
            throw new InputException("predictions for new data from a formula with poly() or scale() are not"
                    + " supported: their columns depend on the fitting data (\"" + formula + "\")");
        }
        List<String> columns = columns(f, training, "the data");
        String source = newData.source() == null ? "the new data" : newData.source();
        for (String c : columns) {
            if (c.equals(f.response())) {
                continue;
            }
            String[] cells = newData.column(c);
            if (cells == null) {
                throw new InputException(source + " has no column '" + c + "', which the formula uses; its columns are: "
                        + String.join(", ", newData.names()));
            }
            for (int r = 0; r < cells.length; r++) {
                if (cells[r] == null || cells[r].isBlank() || cells[r].equals("NA")) {
                    throw new InputException(source + " row " + (r + 1) + ", column '" + c
                            + "': missing value (a prediction needs every covariate)");
                }
            }
        }
        if (newData.rows() == 0) {
            throw new InputException(source + " has no data rows");
        }
        String group = f.random() == null ? null : f.random().group();
        DataTable a = indexed(training, f.response(), columns, -1, false, null);
        DataTable b = indexed(newData, f.response(), columns, 0, true, group);
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            String[] x = a.columns().get(c);
            String[] y = b.columns().get(c);
            String[] both = new String[x.length + y.length];
            System.arraycopy(x, 0, both, 0, x.length);
            System.arraycopy(y, 0, both, x.length, y.length);
            cells.add(both);
        }
        DataTable combined = new DataTable(source, columns, cells);
        CompiledModel compiled;
        try {
            compiled = ModelCompiler.compile(combined, f, CompileOptions.none());
        } catch (InputException e) {
            throw new InputException(source + ": " + e.getMessage());
        }
        List<Row> rows = new ArrayList<>();
        for (Row r : rows(compiled, fit, formula)) {
            if (r.index >= 0) {
                rows.add(new Row(r.index, r.x, r.z, r.group.startsWith(NEW_GROUP) ? r.group.substring(NEW_GROUP.length()) : r.group));
            }
        }
        return predict(fit, rows, newData, f.response(), List.of());
    }

    /** One design row: its file row, x_r, z_r and group. */
    private record Row(int index, double[] x, double[] z, String group) {
    }

    private static List<Row> rows(CompiledModel compiled, FitResult fit, String formula) {
        if (compiled.multiTerm()) {
            throw new InputException("predict with several random terms (\"" + formula + "\") is not supported yet");
        }
        if (!compiled.data().fixedNames().equals(fit.fixedNames()) || !compiled.data().randomNames().equals(fit.randomNames())) {
            Set<String> extra = new LinkedHashSet<>(compiled.data().fixedNames());
            extra.addAll(compiled.data().randomNames());
            extra.removeAll(fit.fixedNames());
            extra.removeAll(fit.randomNames());
            throw new InputException("the data give the formula \"" + formula + "\" design columns the fit does not have"
                    + (extra.isEmpty() ? "" : " (" + String.join(", ", extra) + ")")
                    + ": a factor level the model was not fitted with?");
        }
        int p = fit.fixedNames().size();
        int q = fit.randomNames().size();
        List<Row> out = new ArrayList<>();
        for (Group g : compiled.data().groups()) {
            for (int r = 0; r < g.size(); r++) {
                double[] x = new double[p];
                double[] z = new double[q];
                System.arraycopy(g.x(), r * p, x, 0, p);
                System.arraycopy(g.z(), r * q, z, 0, q);
                out.add(new Row((int) g.y()[r], x, z, g.id()));
            }
        }
        return out;
    }

    private static Predictions predict(FitResult fit, List<Row> rows, DataTable table, String response,
                                       List<String> notes) {
        rows.sort(java.util.Comparator.comparingInt(Row::index));
        Map<String, double[]> blups = new HashMap<>();
        for (int i = 0; i < fit.groupIds().size() && i < fit.randomEffects().length; i++) {
            blups.put(fit.groupIds().get(i), fit.randomEffects()[i]);
        }
        String[] y = table.column(response);
        int n = rows.size();
        int[] index = new int[n];
        double[] fitted = new double[n];
        double[] fixed = new double[n];
        double[] residual = new double[n];
        int newLevels = 0;
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            index[i] = r.index;
            double f = 0;
            for (int c = 0; c < r.x.length; c++) {
                f += r.x[c] * fit.fixedEffects()[c];
            }
            fixed[i] = f;
            double[] b = r.z.length == 0 ? null : blups.get(r.group);
            if (r.z.length > 0 && b == null) {
                newLevels++;
            }
            double cond = f;
            if (b != null) {
                for (int c = 0; c < r.z.length; c++) {
                    cond += r.z[c] * b[c];
                }
            }
            fitted[i] = cond;
            residual[i] = y == null ? Double.NaN : parse(y[r.index]) - cond;
        }
        List<String> out = new ArrayList<>(notes);
        if (newLevels > 0) {
            out.add(newLevels + (newLevels == 1 ? " row belongs" : " rows belong")
                    + " to a group the fit has not seen: predicted at the population level");
        }
        return new Predictions(index, fitted, fixed, residual, newLevels, out);
    }

    private static double parse(String cell) {
        if (cell == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The columns the formula uses: the response, every variable, the grouping column. */
    private static List<String> columns(Formula f, DataTable table, String what) {
        if (f.randomTerms().size() > 1) {
            throw new InputException("predictions from a formula with several random terms are not available yet");
        }
        Set<String> out = new LinkedHashSet<>();
        out.add(f.response());
        List<Term> terms = new ArrayList<>(f.terms());
        f.randomTerms().forEach(r -> terms.addAll(r.terms()));
        for (Term t : terms) {
            for (Variable v : t.variables()) {
                v.columns().stream().filter(c -> table.indexOf(c) >= 0 || !c.equals("pi")).forEach(out::add);
            }
        }
        f.randomTerms().forEach(r -> out.addAll(r.factors()));
        for (String c : out) {
            if (table.indexOf(c) < 0) {
                throw new InputException(what + " has no column '" + c + "', which the formula uses");
            }
        }
        return List.copyOf(out);
    }

    /**
     * The used columns of a table, with the response replaced by the row number (sign · (r + 1) − (sign &lt; 0 ? 0 : 1):
     * r for {@code sign = 0}, −(r + 1) for {@code sign = −1}); a missing response stays missing unless
     * {@code keepAll}; the group column's cells prefixed for new data.
     */
    private static DataTable indexed(DataTable t, String response, List<String> columns, int sign, boolean keepAll,
                                     String newGroupColumn) {
        List<String[]> cells = new ArrayList<>();
        String[] y = t.column(response);
        for (String c : columns) {
            String[] out = new String[t.rows()];
            String[] src = t.column(c);
            for (int r = 0; r < out.length; r++) {
                if (c.equals(response)) {
                    boolean present = y != null && y[r] != null && !y[r].isBlank() && !y[r].equals("NA");
                    out[r] = present || keepAll ? Integer.toString(sign < 0 ? -(r + 1) : r) : null;
                } else if (c.equals(newGroupColumn)) {
                    out[r] = src[r] == null ? null : NEW_GROUP + src[r];
                } else {
                    out[r] = src[r];
                }
            }
            cells.add(out);
        }
        return new DataTable(t.source(), columns, cells);
    }
}
