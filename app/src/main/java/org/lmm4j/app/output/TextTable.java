package org.lmm4j.app.output;

import java.util.List;

/**
 * Column widths of the text tables, sized to their content: each column as wide as its widest cell plus two
 * spaces, and never narrower than the layout's usual width, so that numbers of any length (a deviance of
 * 3517135.5986 beside a log-likelihood of −1758567.7993) never run together.
 */
public final class TextTable {

    private TextTable() {
    }

    /** max(minimum, longest cell + 2). */
    public static int width(int minimum, List<String> cells) {
        int w = minimum;
        for (String c : cells) {
            w = Math.max(w, c.length() + 2);
        }
        return w;
    }

    /** {@code cell} right-aligned in {@code width} characters. */
    public static String right(String cell, int width) {
        return " ".repeat(Math.max(0, width - cell.length())) + cell;
    }
}
