package org.lmm4j.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One estimator's whole process on one simulated file (see {@link ColdRunner}): what a user waits for
 * from {@code lmm4j fit --format json}, start-up and reading included, beside the warm fit of
 * {@link BenchRow}; and, when a compare command was given, that command's median on the same file.
 *
 * @param estimator            the estimator's name
 * @param subjects             n, the number of subjects
 * @param rows                 N, the rows of the file
 * @param repeats              the number of runs of each command (alternating)
 * @param medianMillis         median wall time of lmm4j's whole process, in milliseconds
 * @param minMillis            the fastest of those runs
 * @param status               the fit's status in the last run
 * @param minus2LogLik         −2 log L of the last run
 * @param phases               the medians of the phases lmm4j reported ({@code provenance.phases}: startupMillis, …)
 * @param compareMedianMillis  median wall time of the compare command on the same file, NaN when there is none
 */
public record ColdRow(String estimator, int subjects, long rows, int repeats, double medianMillis, double minMillis,
                      String status, double minus2LogLik, Map<String, Double> phases, double compareMedianMillis) {

    public ColdRow {
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** lmm4j's whole process over the compare command's (NaN without one): below 1, lmm4j is faster. */
    public double ratio() {
        return medianMillis / compareMedianMillis;
    }
}
