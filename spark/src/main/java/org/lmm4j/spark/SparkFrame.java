package org.lmm4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.trim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.Coding;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.Formula;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.formula.RandomTerm;
import org.lmm4j.formula.Term;
import org.lmm4j.formula.Variable;
import org.lmm4j.model.ModelData;

/**
 * A Spark data set made ready for the formula compiler, partition by partition (docs/DESIGN.md §6): the rows the
 * model uses (rows with a missing value dropped, as in-process), every group whole in one partition and in the data's
 * own row order, and the {@link Coding} of the whole data (each factor's levels and the occasions, found on the
 * cluster in order of first appearance), so that each partition compiles on its own into groups with the same
 * columns of X and Z as the whole data would give.
 *
 * @param rows        the used columns, partitioned by the grouping columns, sorted by row number within partitions
 * @param columns     the used columns, in the order of {@code rows}' first columns
 * @param numeric     which of them Spark holds as numbers
 * @param formula     the formula's text
 * @param options     the compile options, with the coding
 * @param dropped     the number of rows dropped for a missing value
 */
record SparkFrame(Dataset<Row> rows, List<String> columns, boolean[] numeric, String formula, CompileOptions options,
                  long dropped) {

    /** The column that numbers the rows in the data's order. */
    static final String ROW = "__lmm4j_row";

    /** Prepares {@code data} for {@code formulaText} ({@code partitions} ≤ 0: four per core of the cluster). */
    static SparkFrame of(Dataset<Row> data, String formulaText, CompileOptions options, int partitions) {
        Formula formula = Formula.parse(formulaText);
        List<String> outer = outerFactors(formula);
        if (formula.dataDependent()) {
            throw new InputException("poly() and scale() take their values from all rows at once, which a data set "
                    + "split over machines does not have in one place; compute the column before fitting");
        }
        List<String> schema = Arrays.asList(data.columns());
        Set<String> used = new LinkedHashSet<>();
        used.add(formula.response());
        Set<String> factors = new LinkedHashSet<>();
        List<Term> terms = new ArrayList<>(formula.terms());
        List<String> grouping = new ArrayList<>(outer);
        for (RandomTerm r : formula.randomTerms()) {
            terms.addAll(r.terms());
        }
        for (Term t : terms) {
            for (Variable v : t.variables()) {
                for (String c : v.columns()) {
                    if (!schema.contains(c)) {
                        throw new InputException("formula error: unknown column \"" + c + "\" in \"" + formulaText
                                + "\"; the columns of the Spark data set are: " + String.join(", ", schema));
                    }
                    used.add(c);
                    if (v.asFactor()) {
                        factors.add(c);
                    }
                }
            }
        }
        if (grouping.isEmpty() && options.groupColumn() != null) {
            grouping.add(options.groupColumn());
        }
        used.addAll(grouping);
        for (RandomTerm r : formula.randomTerms()) {
            for (String f : r.factors()) {
                if (!schema.contains(f)) {
                    throw new InputException("column \"" + f + "\" of the random term " + r.label()
                            + " is not in the Spark data set; columns are: " + String.join(", ", schema));
                }
                used.add(f);
            }
        }
        if (options.timeColumn() != null) {
            used.add(options.timeColumn());
        }
        for (String c : used) {
            if (!schema.contains(c)) {
                throw new InputException("column \"" + c + "\" is not in the Spark data set; columns are: "
                        + String.join(", ", schema));
            }
        }
        List<String> columns = List.copyOf(used);
        boolean[] numeric = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            DataType type = field(data, columns.get(i)).dataType();
            numeric[i] = type instanceof NumericType;
            if (!numeric[i] && !type.equals(DataTypes.StringType) && !type.equals(DataTypes.BooleanType)) {
                throw new InputException("column \"" + columns.get(i) + "\" has the Spark type " + type.simpleString()
                        + "; lmm4j reads numbers, strings and booleans");
            }
            if (!numeric[i]) {
                factors.add(columns.get(i));
            }
        }
        Dataset<Row> selected = data.select(columns.stream().map(c -> col(c).as(c)).toArray(Column[]::new))
                .withColumn(ROW, monotonically_increasing_id());
        Column complete = null;
        for (int i = 0; i < columns.size(); i++) {
            Column c = col(columns.get(i));
            Column present = numeric[i] ? c.isNotNull().and(c.isNaN().unary_$bang())
                    : c.isNotNull().and(trim(c.cast("string")).notEqual("")).and(trim(c.cast("string")).notEqual("NA"));
            complete = complete == null ? present : complete.and(present);
        }
        Dataset<Row> kept = selected.where(complete);
        Row counts = selected.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(complete, 1L).otherwise(0L)))
                .first();
        long all = counts.getLong(0);
        long keptRows = counts.isNullAt(1) ? 0 : counts.getLong(1);
        if (keptRows == 0) {
            throw new InputException("the Spark data set has no row without a missing value in the columns the model "
                    + "uses (" + String.join(", ", columns) + ")");
        }
        Map<String, List<String>> levels = new LinkedHashMap<>();
        for (String f : factors) {
            if (!grouping.contains(f) || formula.terms().stream().anyMatch(t -> t.variables().stream()
                    .anyMatch(v -> v.columns().contains(f)))) {
                levels.put(f, Coding.levelsOf(distinctInOrder(kept, f, numeric[columns.indexOf(f)])));
            }
        }
        List<String> occasions;
        if (options.timeColumn() != null) {
            String t = options.timeColumn();
            occasions = Coding.occasionsOf(distinctInOrder(kept, t, numeric[columns.indexOf(t)]));
        } else if (grouping.isEmpty()) {
            occasions = Coding.positions(1);
        } else {
            Row biggest = kept.groupBy(grouping.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                    .count().agg(max(col("count"))).first();
            occasions = Coding.positions(Math.toIntExact(biggest.getLong(0)));
        }
        Column[] by = grouping.isEmpty() ? new Column[] {col(ROW)}
                : grouping.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        int parts = partitions > 0 ? partitions : 4 * data.sparkSession().sparkContext().defaultParallelism();
        Dataset<Row> partitioned = kept.repartition(parts, by).sortWithinPartitions(ROW);
        return new SparkFrame(partitioned, columns, numeric, formulaText,
                options.withCoding(new Coding(levels, occasions)), all - keptRows);
    }

    /**
     * The grouping columns that keep every group whole: the one random term's factors, or, for several terms, the
     * factors every term's grouping contains (the outer factor of nested terms, {@code batch} in
     * {@code (1 | batch/cask)}); crossed terms have none and are refused.
     */
    private static List<String> outerFactors(Formula formula) {
        List<RandomTerm> randoms = formula.randomTerms();
        if (randoms.isEmpty()) {
            return List.of();
        }
        List<String> common = new ArrayList<>(randoms.get(0).factors());
        for (RandomTerm r : randoms) {
            common.retainAll(r.factors());
        }
        if (common.isEmpty()) {
            throw new InputException("the random terms " + randoms.stream().map(RandomTerm::label).toList()
                    + " are crossed (no factor holds them all): on Spark only terms that nest within one factor are "
                    + "fitted so far");
        }
        return randoms.size() == 1 ? randoms.get(0).factors() : common;
    }

    private static StructField field(Dataset<Row> data, String name) {
        return data.schema().apply(name);
    }

    /** The distinct cells of a column in order of first appearance, as a column the compiler reads. */
    private static DataColumn distinctInOrder(Dataset<Row> kept, String column, boolean numeric) {
        List<Row> rows = kept.groupBy(col(column)).agg(min(col(ROW)).as("first")).orderBy(col("first")).collectAsList();
        String[] cells = new String[rows.size()];
        double[] values = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Object v = rows.get(i).get(0);
            if (numeric) {
                values[i] = ((Number) v).doubleValue();
            } else {
                cells[i] = String.valueOf(v);
            }
        }
        return numeric ? new DataColumn(values, null, List.of()) : DataColumn.ofCells(cells);
    }

    /**
     * Compiles the rows of one partition into its groups (none for an empty partition). The rows are read once into
     * one primitive array per numeric column (and one array of cells per text column); no row is kept as an object.
     */
    static org.lmm4j.formula.CompiledModel compile(Iterator<Row> rows, List<String> columns, boolean[] numeric,
                                                   String formula, CompileOptions options, int partition) {
        int width = columns.size();
        double[][] values = new double[width][];
        String[][] cells = new String[width][];
        int capacity = 1024;
        for (int c = 0; c < width; c++) {
            if (numeric[c]) {
                values[c] = new double[capacity];
            } else {
                cells[c] = new String[capacity];
            }
        }
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (n == capacity) {
                capacity = Math.multiplyExact(capacity, 2);
                for (int c = 0; c < width; c++) {
                    if (numeric[c]) {
                        values[c] = Arrays.copyOf(values[c], capacity);
                    } else {
                        cells[c] = Arrays.copyOf(cells[c], capacity);
                    }
                }
            }
            for (int c = 0; c < width; c++) {
                if (numeric[c]) {
                    values[c][n] = ((Number) row.get(c)).doubleValue();
                } else {
                    cells[c][n] = String.valueOf(row.get(c));
                }
            }
            n++;
        }
        if (n == 0) {
            return null;
        }
        List<DataColumn> data = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            data.add(numeric[c] ? new DataColumn(Arrays.copyOf(values[c], n), null, List.of())
                    : DataColumn.ofCells(Arrays.copyOf(cells[c], n)));
            values[c] = null;
            cells[c] = null;
        }
        DataTable table = new DataTable("partition " + partition, columns, data, null, List.of(), null);
        return ModelCompiler.compile(table, formula, options);
    }
}
