package org.lmm4j.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the data into parts that can be parsed independently, each beginning at the start of a record and at a
 * known line: one pass of the CSV grammar's state machine over the bytes (RFC 4180 quoting, a quote opening a field
 * after optional blanks, a doubled quote inside a quoted field, blanks after the closing quote). Only regular files
 * are split — a quote inside an unquoted field, text after a closing quote or an unclosed quote make the whole file
 * one part — so the parts are parsed exactly as the whole file would be, record for record and line for line.
 */
final class RecordSplitter {

    /**
     * One part of the data.
     *
     * @param from       first byte
     * @param to         end (exclusive)
     * @param firstLine  the file line (1-based) of its first byte
     */
    record Part(int from, int to, int firstLine) {
    }

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;
    private static final int AFTER_QUOTE = 4;

    private RecordSplitter() {
    }

    /**
     * At most {@code parts} parts of {@code b[from, to)} of about equal size, the first holding the header; one part
     * when the separator is not a single byte or the quoting is irregular.
     */
    static List<Part> split(byte[] b, int from, int to, char separator, int parts) {
        List<Part> one = List.of(new Part(from, to, 1));
        if (parts <= 1 || separator > 0x7f || separator == '"') {
            return one;
        }
        byte sep = (byte) separator;
        long size = to - from;
        long target = from + size / parts;
        List<Integer> starts = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        int state = FIELD_START;
        int line = 1;
        boolean recordHasContent = false;
        boolean headerSeen = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\n' || (c == '\r' && (i + 1 == to || b[i + 1] != '\n'))) {
                line++;
            }
            switch (state) {
                case FIELD_START, UNQUOTED, AFTER_QUOTE -> {
                    if (c == '\n' || c == '\r') {
                        headerSeen |= recordHasContent;
                        recordHasContent = false;
                        state = FIELD_START;
                        if (c == '\n' && headerSeen && i + 1 >= target && i + 1 < to && starts.size() < parts - 1) {
                            starts.add(i + 1);
                            lines.add(line);
                            target = from + size * (starts.size() + 1) / parts;
                        }
                    } else if (c == sep) {
                        recordHasContent = true;
                        state = FIELD_START;
                    } else if (c == '"') {
                        if (state != FIELD_START) {
                            return one; // a quote inside an unquoted field, or after a closing quote
                        }
                        recordHasContent = true;
                        state = QUOTED;
                    } else if (c == ' ' || c == '\t') {
                        recordHasContent = true;
                        // blanks keep the state: before an opening quote, inside a field, after a closing quote
                    } else {
                        if (state == AFTER_QUOTE) {
                            return one; // text after a closing quote
                        }
                        recordHasContent = true;
                        state = UNQUOTED;
                    }
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = QUOTE_IN_QUOTED;
                    }
                }
                default -> { // QUOTE_IN_QUOTED: a doubled quote, or the end of the quoted field
                    if (c == '"') {
                        state = QUOTED;
                    } else {
                        state = AFTER_QUOTE;
                        i--; // the byte is read again in AFTER_QUOTE
                        if (c == '\n' || (c == '\r' && (i + 2 == to || b[i + 2] != '\n'))) {
                            line--; // counted once, when read again
                        }
                    }
                }
            }
        }
        if (state == QUOTED || starts.isEmpty()) {
            return one;
        }
        List<Part> out = new ArrayList<>();
        int begin = from;
        int beginLine = 1;
        for (int k = 0; k < starts.size(); k++) {
            out.add(new Part(begin, starts.get(k), beginLine));
            begin = starts.get(k);
            beginLine = lines.get(k);
        }
        out.add(new Part(begin, to, beginLine));
        return out;
    }
}
