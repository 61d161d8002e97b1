package org.lmm4j.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the data into parts of about equal size to be parsed in parallel, each cut just after a line break. A cut
 * is a guess: it is a record boundary unless it falls inside a quoted field that spans lines. The guess is checked by
 * the parse itself: a part that starts at a record boundary and ends inside a quoted field ends with an unclosed
 * quote, which FastCSV reports; then the file is parsed again in one piece ({@link CsvTableReader}). So, by
 * induction from the first part, every accepted cut is a record boundary and the parts give exactly the records of
 * the whole file. Finding the cuts costs a few line lengths, not a pass over the file.
 */
final class RecordSplitter {

    /**
     * One part of the data.
     *
     * @param from  first byte
     * @param to    end (exclusive)
     */
    record Part(int from, int to) {
    }

    private RecordSplitter() {
    }

    /** At most {@code parts} parts of {@code b[from, to)}, each but the last ending just after a '\n'. */
    static List<Part> split(byte[] b, int from, int to, int parts) {
        List<Part> out = new ArrayList<>();
        int begin = from;
        for (int k = 1; k < parts; k++) {
            int cut = (int) (from + (long) (to - from) * k / parts);
            cut = Math.max(cut, begin);
            while (cut < to && b[cut] != '\n') {
                cut++;
            }
            if (cut + 1 >= to) {
                break;
            }
            out.add(new Part(begin, cut + 1));
            begin = cut + 1;
        }
        out.add(new Part(begin, to));
        return out;
    }

    /** The number of line breaks in {@code b[from, to)}: '\n', and '\r' not followed by '\n' (as FastCSV counts). */
    static int lineBreaks(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\n' || (c == '\r' && (i + 1 == to || b[i + 1] != '\n'))) {
                n++;
            }
        }
        return n;
    }
}
