package org.lmm4j.data;

import java.util.List;

/**
 * One column of a {@link DataTable}, typed cell by cell as it was read: a cell is missing ({@code NA}, empty or
 * blank), a number ({@link NumberCells}), or text. Numbers are held as doubles, texts as codes into the list of the
 * column's distinct texts in order of first appearance, so no cell is a {@code String} after reading unless it is text.
 * A number cell has no text of its own: its text is {@link NumberCells#format the canonical text of its value}.
 *
 * <p>The arrays are owned by the column and never modified after construction.
 *
 * @param values  the number in each row, NaN for a text or missing cell
 * @param codes   the text code of each row (index into {@code texts}), −1 for a number or missing cell; null when
 *                the column has no text cell
 * @param texts   the distinct texts, in order of first appearance
 */
public record DataColumn(double[] values, int[] codes, List<String> texts) {

    public DataColumn {
        texts = List.copyOf(texts);
        if (codes != null && codes.length != values.length) {
            throw new IllegalArgumentException("values and text codes differ in length");
        }
        if (codes == null && !texts.isEmpty()) {
            throw new IllegalArgumentException("texts without codes");
        }
    }

    /** A column of raw cells, {@code null}, blank or {@code NA} being missing; each cell typed as a reader would. */
    public static DataColumn ofCells(String[] cells) {
        double[] values = new double[cells.length];
        int[] codes = new int[cells.length];
        TextDictionary texts = new TextDictionary();
        for (int r = 0; r < cells.length; r++) {
            String cell = cells[r] == null ? "" : cells[r].strip();
            codes[r] = -1;
            values[r] = Double.NaN;
            if (isMissing(cell)) {
                continue;
            }
            double v = NumberCells.parse(cell);
            if (!Double.isNaN(v)) {
                values[r] = v;
                continue;
            }
            codes[r] = texts.code(cell);
        }
        return new DataColumn(values, texts.isEmpty() ? null : codes, texts.texts());
    }

    /** True for the spellings of a missing cell, blanks already removed: empty or {@code NA}. */
    public static boolean isMissing(CharSequence stripped) {
        return stripped.length() == 0 || (stripped.length() == 2 && stripped.charAt(0) == 'N' && stripped.charAt(1) == 'A');
    }

    /** The number of rows. */
    public int rows() {
        return values.length;
    }

    /** The text code of a row, −1 when the cell is a number or missing. */
    public int code(int row) {
        return codes == null ? -1 : codes[row];
    }

    /** True when the cell is missing. */
    public boolean missing(int row) {
        return Double.isNaN(values[row]) && code(row) < 0;
    }

    /** True when the column holds no text cell. */
    public boolean allNumbers() {
        return texts.isEmpty();
    }

    /** The cell as text: the text, the canonical text of the number, or null when missing. */
    public String cell(int row) {
        int code = code(row);
        if (code >= 0) {
            return texts.get(code);
        }
        double v = values[row];
        return Double.isNaN(v) ? null : NumberCells.format(v);
    }
}
