package org.lmm4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A rectangular table as read from a long-format CSV file: one header name and one {@link DataColumn} per column,
 * the file line of every data row (for messages), what the reader noticed (separator, compression) and a fingerprint
 * of the bytes read. Whether a column is numeric or a factor is decided when a formula uses it, by
 * {@link org.lmm4j.formula.ModelCompiler}, so that errors can name the file, line and column.
 *
 * @param source       where the table came from (file name), for error messages
 * @param names        column names, in file order
 * @param columnData   the typed cells by column; all of the same length
 * @param lines        the file line (1-based) of each data row; null when row r is on line r + 2
 * @param notes        what the reader did that the user should know (another separator, a decompressed file)
 * @param fingerprint  a hash of the bytes read (16 hex digits), or null when the table was not read from bytes or the reader was asked not to hash them
 */
public record DataTable(String source, List<String> names, List<DataColumn> columnData, int[] lines,
                        List<String> notes, String fingerprint) {

    public DataTable {
        names = List.copyOf(names);
        columnData = List.copyOf(columnData);
        notes = List.copyOf(notes);
        if (names.size() != columnData.size()) {
            throw new IllegalArgumentException("names and columns differ in number");
        }
        int rows = columnData.isEmpty() ? 0 : columnData.get(0).rows();
        for (DataColumn c : columnData) {
            if (c.rows() != rows) {
                throw new IllegalArgumentException("columns differ in length");
            }
        }
        if (lines != null && lines.length != rows) {
            throw new IllegalArgumentException("line numbers and rows differ in number");
        }
    }

    /** A table of raw cells ({@code null}, blank or {@code NA} missing), row r on line r + 2, no fingerprint. */
    public DataTable(String source, List<String> names, List<String[]> columns) {
        this(source, names, columns.stream().map(DataColumn::ofCells).toList(), null, List.of(), null);
    }

    /** Number of data rows (the header excluded). */
    public int rows() {
        return columnData.isEmpty() ? 0 : columnData.get(0).rows();
    }

    /** The file line of data row {@code row} (0-based), counting blank lines and lines inside quoted cells. */
    public int line(int row) {
        return lines == null ? row + 2 : lines[row];
    }

    /** Index of a column, or −1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /** The typed column of that name; null when absent. */
    public DataColumn data(String name) {
        int i = indexOf(name);
        return i < 0 ? null : columnData.get(i);
    }

    /** The cells of a column by name as text ({@link DataColumn#cell}); null when absent. */
    public String[] column(String name) {
        DataColumn c = data(name);
        return c == null ? null : cells(c);
    }

    /** The cells of every column as text, in file order. */
    public List<String[]> columns() {
        List<String[]> out = new ArrayList<>(columnData.size());
        for (DataColumn c : columnData) {
            out.add(cells(c));
        }
        return out;
    }

    private static String[] cells(DataColumn c) {
        String[] out = new String[c.rows()];
        for (int r = 0; r < out.length; r++) {
            out[r] = c.cell(r);
        }
        return out;
    }
}
