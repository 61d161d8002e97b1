package org.lmm4j.formula;

/**
 * Reading and writing the numbers in data cells: a fast exact path for plain decimals ({@code 26}, {@code -21.5},
 * the usual CSV content), {@link Double#parseDouble} for the rest, and nothing that Java accepts but a CSV user
 * would not mean as a number ({@code 1d}, {@code 0x1p3}). Also the canonical text of a number for labels:
 * integers without ".0" ({@code 8}, not {@code 8.0}).
 */
final class NumberCells {

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * Largest magnitude accepted: the likelihood squares the data (y'V⁻¹y), so anything beyond
     * about 1e154 overflows to infinity; such cells are reported like non-finite ones.
     */
    static final double LARGEST = 1e150;

    private NumberCells() {
    }

    /**
     * The number in a cell, or NaN when the cell is not a number. Infinite and NaN spellings ({@code NaN},
     * {@code Inf}, {@code -Infinity}) and overflowing values also give NaN; {@link #isNonFinite} tells them apart.
     */
    static double parse(String cell) {
        String s = cell.strip();
        int n = s.length();
        if (n == 0) {
            return Double.NaN;
        }
        // Fast exact path: [sign] digits [. digits], at most 15 significant digits and 22 decimals.
        int i = 0;
        boolean negative = false;
        char c0 = s.charAt(0);
        if (c0 == '-' || c0 == '+') {
            negative = c0 == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0;
        int decimals = 0;
        boolean point = false;
        boolean simple = i < n;
        for (int k = i; k < n; k++) {
            char c = s.charAt(k);
            if (c >= '0' && c <= '9') {
                if (mantissa != 0 || c != '0') {
                    digits++;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (point) {
                    decimals++;
                }
                if (digits > 15 || decimals > 22) {
                    simple = false;
                    break;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                simple = false;
                break;
            }
        }
        if (simple && (n - i) > (point ? 1 : 0)) {
            double v = decimals == 0 ? mantissa : mantissa / POW10[decimals];
            return negative ? -v : v;
        }
        // General path: only the characters of a decimal number with an optional exponent.
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
            if (!ok) {
                return Double.NaN;
            }
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) && Math.abs(v) <= LARGEST ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** True for the spellings of a non-finite number ({@code NaN}, {@code Inf}, {@code -Infinity}) and overflows. */
    static boolean isNonFinite(String cell) {
        String s = cell.strip();
        int n = s.length();
        int from = n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        String word = s.substring(from);
        if (word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
            return true;
        }
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isInfinite(v) || Math.abs(v) > LARGEST;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The canonical label of a value: {@code 8} for 8.0, {@code 8.5} for 8.5. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
