package org.lmm4j.io;

/**
 * The separator and decimal mark a file is read with, and how they were chosen. Without {@code --sep}, the separator
 * is the one of comma, tab and semicolon that occurs most often outside quotes in the header line (a comma on a tie
 * or when none occurs). With a semicolon the decimal mark is the comma (R's {@code read.csv2}) unless the first rows
 * hold more numbers written with a point than with a comma.
 *
 * @param separator  the field separator
 * @param decimal    the decimal mark ('.' or ',')
 * @param note       what the user should be told (null for the plain comma-and-point case)
 * @param given      true when the separator was given (not detected)
 */
record Dialect(char separator, char decimal, String note, boolean given) {

    private static final char[] CANDIDATES = {',', '\t', ';'};

    /** Rows after the header looked at to choose the decimal mark of a semicolon-separated file. */
    private static final int DECIMAL_SAMPLE_LINES = 200;

    /** The dialect of the data in {@code b[start, end)}, with {@code given} the separator asked for (or null). */
    static Dialect of(byte[] b, int start, int end, Character given) {
        int lineStart = start;
        while (lineStart < end && (b[lineStart] == '\n' || b[lineStart] == '\r')) {
            lineStart++;
        }
        char sep;
        if (given != null) {
            sep = given;
        } else {
            int[] counts = new int[CANDIDATES.length];
            boolean quoted = false;
            for (int i = lineStart; i < end; i++) {
                byte c = b[i];
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && (c == '\n' || c == '\r')) {
                    break;
                } else if (!quoted) {
                    for (int k = 0; k < CANDIDATES.length; k++) {
                        if (c == CANDIDATES[k]) {
                            counts[k]++;
                        }
                    }
                }
            }
            int best = 0;
            for (int k = 1; k < CANDIDATES.length; k++) {
                if (counts[k] > counts[best]) {
                    best = k;
                }
            }
            sep = CANDIDATES[best];
        }
        char decimal = sep == ';' ? decimalOfSemicolonFile(b, lineStart, end) : '.';
        String note = null;
        if (sep != ',' || decimal != '.') {
            note = "read as " + name(sep) + "-separated" + (decimal == ',' ? " with decimal commas" : "")
                    + (given != null ? " (--sep)" : " (detected from the header; --sep chooses the separator)");
        }
        return new Dialect(sep, decimal, note, given != null);
    }

    /** A separator's name in messages: comma, semicolon, tab, or the character quoted. */
    static String name(char sep) {
        return switch (sep) {
            case ',' -> "comma";
            case ';' -> "semicolon";
            case '\t' -> "tab";
            case ' ' -> "space";
            case '|' -> "pipe";
            default -> "'" + sep + "'";
        };
    }

    /** ',' unless the sampled rows have more cells like {@code 1.5} than like {@code 1,5}. */
    private static char decimalOfSemicolonFile(byte[] b, int from, int end) {
        int commas = 0;
        int points = 0;
        int lines = 0;
        int digitsBefore = 0;
        int mark = 0; // 0 none, 1 comma, 2 point, 3 invalid
        int digitsAfter = 0;
        for (int i = from; i <= end && lines <= DECIMAL_SAMPLE_LINES; i++) {
            byte c = i < end ? b[i] : (byte) '\n';
            boolean cellEnd = c == ';' || c == '\n' || c == '\r';
            if (cellEnd) {
                if (digitsAfter > 0 && mark == 1) {
                    commas++;
                } else if (digitsAfter > 0 && mark == 2) {
                    points++;
                }
                digitsBefore = 0;
                mark = 0;
                digitsAfter = 0;
                if (c == '\n') {
                    lines++;
                }
            } else if (c >= '0' && c <= '9') {
                if (mark == 0) {
                    digitsBefore++;
                } else {
                    digitsAfter++;
                }
            } else if ((c == ',' || c == '.') && mark == 0) {
                mark = c == ',' ? 1 : 2;
            } else if (!(c == '-' || c == '+' || c == ' ' || c == '"') || mark != 0 || digitsBefore > 0) {
                mark = 3;
            }
        }
        return points > commas ? '.' : ',';
    }
}
