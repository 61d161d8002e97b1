package org.lmm4j.data;

import java.util.List;

/**
 * A rectangular table of raw cells as read from a long-format CSV file: one header name per
 * column, one {@code String[]} of cells per column, {@code null} for a missing cell (NA or empty).
 * Typing (numeric or text) is decided when a formula uses a column, by
 * {@link org.lmm4j.formula.ModelCompiler}, so that errors can name the file, row and column.
 *
 * @param source   where the table came from (file name), for error messages
 * @param names    column names, in file order
 * @param columns  cells by column; all of the same length
 */
public record DataTable(String source, List<String> names, List<String[]> columns) {

    public DataTable {
        names = List.copyOf(names);
        columns = List.copyOf(columns);
        if (names.size() != columns.size()) {
            throw new IllegalArgumentException("names and columns differ in number");
        }
        for (String[] c : columns) {
            if (c.length != (columns.isEmpty() ? 0 : columns.get(0).length)) {
                throw new IllegalArgumentException("columns differ in length");
            }
        }
    }

    /** Number of data rows (the header excluded). */
    public int rows() {
        return columns.isEmpty() ? 0 : columns.get(0).length;
    }

    /** Index of a column, or −1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /** The cells of a column by name; null when absent. */
    public String[] column(String name) {
        int i = indexOf(name);
        return i < 0 ? null : columns.get(i);
    }
}
