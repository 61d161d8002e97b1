package org.lmm4j.io;

import java.util.Arrays;
import java.util.List;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.NumberCells;
import org.lmm4j.data.TextDictionary;

/**
 * The cells of one column of one part of the file as they are parsed, straight from the parser's character buffer:
 * a number into a {@code double[]} without a {@code String}, a text as a code into the part's distinct texts, a
 * missing cell ({@code NA}, empty or blank) as NaN. {@link #merge} joins the parts of a column in file order.
 */
final class ColumnBuilder {

    private final char decimal;
    private double[] values;
    private int[] codes;
    private final TextDictionary texts = new TextDictionary();
    private int size;

    ColumnBuilder(int capacity, char decimal) {
        this.values = new double[Math.max(16, capacity)];
        this.decimal = decimal;
    }

    /** Adds the cell {@code buf[off, off + len)}; false when it is a text holding a zero character (binary data). */
    boolean add(char[] buf, int off, int len) {
        if (size == values.length) {
            values = Arrays.copyOf(values, 2 * size);
            if (codes != null) {
                codes = Arrays.copyOf(codes, 2 * size);
            }
        }
        int from = NumberCells.strippedFrom(buf, off, off + len);
        int n = NumberCells.strippedTo(buf, from, off + len) - from;
        if (n == 0 || (n == 2 && buf[from] == 'N' && buf[from + 1] == 'A')) {
            values[size] = Double.NaN;
            setCode(-1);
        } else {
            double v = NumberCells.parse(buf, from, n, decimal);
            values[size] = v;
            if (Double.isNaN(v)) {
                String text = new String(buf, from, n);
                if (text.indexOf('\0') >= 0) {
                    return false;
                }
                setCode(texts.code(text));
            } else {
                setCode(-1);
            }
        }
        size++;
        return true;
    }

    private void setCode(int code) {
        if (codes == null) {
            if (code < 0) {
                return;
            }
            codes = new int[values.length];
            Arrays.fill(codes, 0, size, -1);
        }
        codes[size] = code;
    }

    /** Rows added. */
    int size() {
        return size;
    }

    /** The column made of {@code parts} in order; texts keep their order of first appearance in the file. */
    static DataColumn merge(List<ColumnBuilder> parts) {
        int rows = 0;
        boolean anyText = false;
        for (ColumnBuilder p : parts) {
            rows += p.size;
            anyText |= !p.texts.isEmpty();
        }
        double[] values = new double[rows];
        int[] codes = anyText ? new int[rows] : null;
        TextDictionary texts = new TextDictionary();
        int at = 0;
        for (ColumnBuilder p : parts) {
            System.arraycopy(p.values, 0, values, at, p.size);
            if (anyText) {
                if (p.codes == null) {
                    Arrays.fill(codes, at, at + p.size, -1);
                } else {
                    List<String> partTexts = p.texts.texts();
                    int[] remap = new int[partTexts.size()];
                    for (int k = 0; k < remap.length; k++) {
                        remap[k] = texts.code(partTexts.get(k));
                    }
                    for (int r = 0; r < p.size; r++) {
                        int c = p.codes[r];
                        codes[at + r] = c < 0 ? -1 : remap[c];
                    }
                }
            }
            at += p.size;
        }
        return new DataColumn(values, codes, texts.texts());
    }
}
