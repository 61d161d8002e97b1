package org.lmm4j.formula;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.lmm4j.data.DataTable;

/** The CSV files R's {@code write.csv} made in the test resources (quoted texts, "NA" missing), read for the tests. */
public final class RCsv {

    private RCsv() {
    }

    /** The rows of a resource under {@code /formula/}, the header first, each split into its cells. */
    static List<List<String>> rows(String name) {
        try (InputStream in = RCsv.class.getResourceAsStream("/formula/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /formula/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<List<String>> out = new ArrayList<>();
            for (String line : text.split("\r?\n")) {
                if (!line.isEmpty()) {
                    out.add(split(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resource as a table (cells "NA" missing). */
    public static DataTable table(String name) {
        List<List<String>> rows = rows(name);
        List<String> header = rows.get(0);
        List<String[]> columns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String[] col = new String[rows.size() - 1];
            for (int r = 1; r < rows.size(); r++) {
                String v = rows.get(r).get(c);
                col[r - 1] = v.equals("NA") ? null : v;
            }
            columns.add(col);
        }
        return new DataTable(name, header, columns);
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
