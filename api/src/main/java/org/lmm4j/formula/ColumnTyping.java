package org.lmm4j.formula;

import java.util.HashMap;
import java.util.Map;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.data.NumberCells;

/**
 * Typing of the columns a formula uses, as R's {@code read.csv} would: a column is numeric when every non-missing
 * cell is a number; a cell spelling a non-finite number ({@code Inf}, {@code NaN}, {@code 1e400}) in an otherwise
 * numeric column is an error, and so is a text cell in a column that is mostly numbers (a typo, not a factor).
 * Works on the column's primitive arrays: one pass over the rows, the texts looked at once each.
 */
final class ColumnTyping {

    /** A column's cells read as numbers, with what was found that is not a number. */
    record Typed(DataColumn column, int numbers, int texts, int firstText, int firstNonFinite) {
        boolean numeric() {
            return texts == 0;
        }

        /** The number in each row, NaN where there is none. */
        double[] values() {
            return column.values();
        }
    }

    private final DataTable table;
    private final CompileMessages messages;
    private final Map<String, Typed> typed = new HashMap<>();

    ColumnTyping(DataTable table, CompileMessages messages) {
        this.table = table;
        this.messages = messages;
    }

    /** The typing of a column (computed once per compilation). */
    Typed type(String column) {
        return typed.computeIfAbsent(column, name -> typeOf(table.data(name)));
    }

    private static Typed typeOf(DataColumn c) {
        boolean[] nonFinite = new boolean[c.texts().size()];
        for (int k = 0; k < nonFinite.length; k++) {
            nonFinite[k] = NumberCells.isNonFinite(c.texts().get(k));
        }
        double[] values = c.values();
        int numbers = 0;
        int texts = 0;
        int firstText = -1;
        int firstNonFinite = -1;
        for (int r = 0; r < values.length; r++) {
            int code = c.code(r);
            if (code < 0) {
                if (!Double.isNaN(values[r])) {
                    numbers++;
                }
            } else if (nonFinite[code]) {
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
        return new Typed(c, numbers, texts, firstText, firstNonFinite);
    }

    /** A column used as a number: numeric, or an error at its first bad cell when it is mostly numbers. */
    boolean numericOrError(String column) {
        Typed t = type(column);
        if (t.numeric()) {
            if (t.firstNonFinite() >= 0) {
                throw new InputException(messages.where(t.firstNonFinite(), column) + ": "
                        + messages.cell(column, t.firstNonFinite()) + " is not a finite number (or exceeds 1e150 in magnitude)");
            }
            return true;
        }
        if (t.numbers() > t.texts()) {
            throw new InputException(messages.where(t.firstText(), column) + ": " + messages.cell(column, t.firstText())
                    + " is not a number");
        }
        return false;
    }

    /** The response's values; an error unless the column is numeric. */
    double[] response(String response) {
        Typed t = type(response);
        if (!numericOrError(response)) {
            throw new InputException(messages.where(t.firstText(), response) + ": the response must be numeric, found "
                    + messages.cell(response, t.firstText()));
        }
        return t.values();
    }

    /** The check that the response is not constant over the rows used. */
    static void checkVaries(String response, double[] y, int[] keep) {
        double first = y[keep[0]];
        for (int r : keep) {
            if (y[r] != first) {
                return;
            }
        }
        throw new InputException("response \"" + response + "\" is constant (all values " + NumberCells.format(first) + ")");
    }
}
