package org.lmm4j.app.timing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a command's wall time went: consecutive phases (start-up, read, compile, fit, output for
 * {@code fit}) in milliseconds, in the order they ran, and the total since the process started. The
 * phases follow one another with no gap, so their sum equals the total up to the clock's rounding
 * and never exceeds it by more than that.
 *
 * @param millis       phase name → its duration in milliseconds, in the order the phases ran
 * @param totalMillis  milliseconds from the process's start to the end of the last phase
 */
public record Phases(Map<String, Double> millis, double totalMillis) {

    public Phases {
        millis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(millis));
    }

    /** The sum of the phases' durations. */
    public double sumMillis() {
        return millis.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** One line for {@code --verbose}: {@code start-up 312 ms, read 120 ms, ...; total 992 ms}. */
    public String text() {
        StringJoiner j = new StringJoiner(", ");
        millis.forEach((name, ms) -> j.add(String.format(Locale.ROOT, "%s %.0f ms", name, ms)));
        return j + String.format(Locale.ROOT, "; total %.0f ms since the process started", totalMillis);
    }
}
