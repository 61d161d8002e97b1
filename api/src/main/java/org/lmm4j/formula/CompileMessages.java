package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.data.Excerpt;

/**
 * The wording of the compiler's one-line messages about a table and a formula: where a cell is (file, line, data row,
 * column), the cell itself (cut when long), the formula (cut when long), the list of columns and the columns whose
 * names are close to a mistyped one.
 */
final class CompileMessages {

    private final DataTable table;
    private final Formula formula;
    private final String source;

    CompileMessages(DataTable table, Formula formula) {
        this.table = table;
        this.formula = formula;
        this.source = table.source() == null || table.source().isBlank() ? "the data" : table.source();
    }

    /** The table's name in messages. */
    String source() {
        return source;
    }

    /** The formula, quoted (cut when long). */
    String formula() {
        return Excerpt.quoted(formula.text());
    }

    /** {@code file line L (data row R), column "c"}: L counts blank lines and lines inside quoted cells. */
    String where(int row, String column) {
        return source + " line " + table.line(row) + " (data row " + (row + 1) + "), column \"" + column + "\"";
    }

    /** {@code file line L (data row R)}. */
    String row(int row) {
        return source + " line " + table.line(row) + " (data row " + (row + 1) + ")";
    }

    /** The file line of a data row. */
    int line(int row) {
        return table.line(row);
    }

    /** A cell quoted as in the file (its first characters and its length when long). */
    String cell(String column, int row) {
        DataColumn c = table.data(column);
        String text = c.cell(row);
        return Excerpt.quoted(text == null ? "NA" : text);
    }

    /** The column names, the first 40 of a wide table. */
    String columnList() {
        List<String> names = table.names().stream().map(Excerpt::cut).toList();
        if (names.size() <= 40) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 40)) + ", ... (" + names.size() + " in all)";
    }

    /** {@code ; did you mean "a" or "b"?}, or empty when no column name is close to {@code name}. */
    String didYouMean(String name) {
        List<String> close = closeMatches(name);
        return close.isEmpty() ? "" : "; did you mean "
                + close.stream().map(c -> "\"" + Excerpt.cut(c) + "\"").collect(Collectors.joining(" or ")) + "?";
    }

    private List<String> closeMatches(String name) {
        List<String> out = new ArrayList<>();
        String lower = name.toLowerCase(Locale.ROOT);
        for (String c : table.names()) {
            String cl = c.toLowerCase(Locale.ROOT);
            int limit = Math.max(1, Math.min(2, name.length() / 3));
            if (cl.equals(lower) || (Math.abs(cl.length() - lower.length()) <= limit && distance(cl, lower) <= limit)
                    || (lower.length() >= 3 && (cl.startsWith(lower) || lower.startsWith(cl) && cl.length() >= 3))) {
                out.add(c);
            }
        }
        return out;
    }

    /** Levenshtein distance. */
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
}
