package org.lmm4j.app.output;

import java.util.Locale;

/** Number formatting shared by the text reports: fixed decimals or significant digits, and ±Inf/NaN spelt out. */
public final class Numbers {

    private Numbers() {
    }

    /** {@code x} with {@code decimals} digits after the point; "-Inf", "Inf" or "NaN" when not finite. */
    public static String fixed(double x, int decimals) {
        if (!Double.isFinite(x)) {
            return nonFinite(x);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    /** {@code x} with {@code digits} significant digits, without a trailing exponent for ordinary magnitudes. */
    public static String significant(double x, int digits) {
        if (!Double.isFinite(x)) {
            return nonFinite(x);
        }
        if (x == 0) {
            return "0";
        }
        double a = Math.abs(x);
        if (a >= 1e-4 && a < 1e7) {
            int before = (int) Math.floor(Math.log10(a)) + 1;
            int decimals = Math.max(0, digits - before);
            return String.format(Locale.ROOT, "%." + decimals + "f", x);
        }
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
    }

    /** The JSON spelling of a non-finite double: "-Infinity", "Infinity" or "NaN". */
    public static String jsonNonFinite(double x) {
        return Double.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
    }

    private static String nonFinite(double x) {
        return Double.isNaN(x) ? "NaN" : x > 0 ? "Inf" : "-Inf";
    }
}
