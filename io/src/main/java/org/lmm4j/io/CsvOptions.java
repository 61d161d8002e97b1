package org.lmm4j.io;

/**
 * How a CSV file is read.
 *
 * @param separator     the field separator; null: detected from the header line (comma, semicolon or tab)
 * @param chunks        parts the data rows are split into and parsed in parallel; 0: one per core for files of
 *                      several megabytes, one below that (the result never depends on it)
 * @param maxLineBytes  longest physical line accepted (a longer one is not CSV: an error, read no further)
 * @param fingerprint   whether to hash the bytes read ({@link org.lmm4j.data.DataTable#fingerprint}; one more pass
 *                      over the file, which a caller that fingerprints the model data instead can leave out)
 */
public record CsvOptions(Character separator, int chunks, int maxLineBytes, boolean fingerprint) {

    /** Longest line accepted by default: 16 MiB, far beyond any row of a long-format table. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    public CsvOptions {
        if (chunks < 0) {
            throw new IllegalArgumentException("chunks must be 0 (automatic) or positive");
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
    }

    /** Separator detected, parallel parsing where it pays, the default line limit, the bytes' fingerprint. */
    public static CsvOptions defaults() {
        return new CsvOptions(null, 0, MAX_LINE_BYTES, true);
    }

    /** The same options with a given separator (null: detect). */
    public CsvOptions withSeparator(Character sep) {
        return new CsvOptions(sep, chunks, maxLineBytes, fingerprint);
    }

    /** The same options with a given number of parallel parts (0: automatic). */
    public CsvOptions withChunks(int n) {
        return new CsvOptions(separator, n, maxLineBytes, fingerprint);
    }

    /** The same options with another line limit. */
    public CsvOptions withMaxLineBytes(int n) {
        return new CsvOptions(separator, chunks, n, fingerprint);
    }

    /** The same options with or without the bytes' fingerprint (without: {@link org.lmm4j.data.DataTable#fingerprint} is null). */
    public CsvOptions withFingerprint(boolean hash) {
        return new CsvOptions(separator, chunks, maxLineBytes, hash);
    }
}
