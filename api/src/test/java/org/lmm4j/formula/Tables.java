package org.lmm4j.formula;

import org.lmm4j.data.DataTable;

import java.util.ArrayList;
import java.util.List;

/** Small tables for the formula tests. */
final class Tables {

    private Tables() {
    }

    /** A small table from CSV-like lines (first line the header), no quoting; "" or NA is missing. */
    static DataTable table(String header, String... lines) {
        List<String> names = List.of(header.split(","));
        List<String[]> cols = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            cols.add(new String[lines.length]);
        }
        for (int r = 0; r < lines.length; r++) {
            String[] cells = lines[r].split(",", -1);
            for (int c = 0; c < names.size(); c++) {
                String v = cells[c];
                cols.get(c)[r] = v.isEmpty() || v.equals("NA") ? null : v;
            }
        }
        return new DataTable("t.csv", names, cols);
    }
}
