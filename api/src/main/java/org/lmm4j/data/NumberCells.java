package org.lmm4j.data;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

/**
 * What counts as a number in a data cell, and the canonical text of a number: the one place of both rules.
 *
 * <p>A cell is a number when, blanks around it removed, it is a plain decimal {@code [+-] digits [. digits]
 * [(e|E) [+-] digits]} with at least one digit before the exponent (so {@code 26}, {@code -21.5}, {@code .5},
 * {@code 1e-3}), finite and at most {@link #LARGEST} in magnitude. Nothing that Java accepts but a CSV user would
 * not mean as a number ({@code 1d}, {@code 0x1p3}, {@code Infinity}) is one. The conversion, correctly rounded,
 * is FastDoubleParser's ({@link JavaDoubleParser}), called only on text of that syntax so it never throws.
 * With a decimal comma (a semicolon-separated file, as R's {@code read.csv2}) the comma takes the point's place.
 */
public final class NumberCells {

    /**
     * Largest magnitude accepted: the likelihood squares the data (y'V⁻¹y), so anything beyond
     * about 1e154 overflows to infinity; such cells are reported like non-finite ones.
     */
    public static final double LARGEST = 1e150;

    private NumberCells() {
    }

    /**
     * The number in a cell, or NaN when the cell is not a number. Infinite and NaN spellings ({@code NaN},
     * {@code Inf}, {@code -Infinity}) and overflowing values also give NaN; {@link #isNonFinite} tells them apart.
     */
    public static double parse(String cell) {
        return parse(cell.toCharArray(), 0, cell.length(), '.');
    }

    /**
     * The number in {@code buf[off, off + len)} with {@code decimal} ('.' or ',') as the decimal mark, or NaN
     * (see {@link #parse(String)}).
     */
    public static double parse(char[] buf, int off, int len, char decimal) {
        int from = strippedFrom(buf, off, off + len);
        int to = strippedTo(buf, from, off + len);
        int mark = decimalAt(buf, from, to, decimal);
        if (mark == NOT_A_NUMBER) {
            return Double.NaN;
        }
        double v;
        if (mark >= 0 && decimal != '.') {
            char[] copy = java.util.Arrays.copyOfRange(buf, from, to);
            copy[mark - from] = '.';
            v = JavaDoubleParser.parseDouble(copy, 0, copy.length);
        } else {
            v = JavaDoubleParser.parseDouble(buf, from, to - from);
        }
        return Double.isFinite(v) && Math.abs(v) <= LARGEST ? v : Double.NaN;
    }

    private static final int NOT_A_NUMBER = -2;

    /** The first index of {@code buf[from, to)} that is not a blank ({@code to} when all are). */
    public static int strippedFrom(char[] buf, int from, int to) {
        int i = from;
        while (i < to && Character.isWhitespace(buf[i])) {
            i++;
        }
        return i;
    }

    /** The end of {@code buf[from, to)} without its trailing blanks. */
    public static int strippedTo(char[] buf, int from, int to) {
        int i = to;
        while (i > from && Character.isWhitespace(buf[i - 1])) {
            i--;
        }
        return i;
    }

    /**
     * Checks the syntax {@code [+-] digits [mark digits] [(e|E) [+-] digits]} (a digit before the exponent) of
     * {@code buf[from, to)}: the index of the decimal mark, −1 without one, {@link #NOT_A_NUMBER} when not a number.
     */
    private static int decimalAt(char[] buf, int from, int to, char decimal) {
        int i = from;
        if (i < to && (buf[i] == '+' || buf[i] == '-')) {
            i++;
        }
        int digits = 0;
        int mark = -1;
        for (; i < to; i++) {
            char c = buf[i];
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == decimal && mark < 0) {
                mark = i;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return NOT_A_NUMBER;
        }
        if (i < to && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < to && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            int exponent = 0;
            for (; i < to && buf[i] >= '0' && buf[i] <= '9'; i++) {
                exponent++;
            }
            if (exponent == 0) {
                return NOT_A_NUMBER;
            }
        }
        return i == to ? mark : NOT_A_NUMBER;
    }

    /** True for the spellings of a non-finite number ({@code NaN}, {@code Inf}, {@code -Infinity}) and overflows. */
    public static boolean isNonFinite(String cell) {
        String s = cell.strip();
        int from = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        String word = s.substring(from);
        if (word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
            return true;
        }
        char[] chars = s.toCharArray();
        if (decimalAt(chars, 0, chars.length, '.') == NOT_A_NUMBER) {
            return false;
        }
        double v = JavaDoubleParser.parseDouble(chars, 0, chars.length);
        return Double.isInfinite(v) || Math.abs(v) > LARGEST;
    }

    /** The canonical label of a value: {@code 8} for 8.0, {@code 8.5} for 8.5. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
