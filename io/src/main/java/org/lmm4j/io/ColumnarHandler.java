package org.lmm4j.io;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FastCSV's callback for one part of a file: each field goes straight into its column ({@link ColumnBuilder}),
 * each record's line within the part is kept, and a record with the wrong number of fields stops the part with its
 * line.
 * In the first part of a file the first record is the header (its names are kept as text).
 */
final class ColumnarHandler extends AbstractBaseCsvCallbackHandler<Object> {

    /** A record whose number of fields differs from the header's. */
    static final class Ragged extends RuntimeException {
        final int line;
        final int fields;

        /** @param line the record's line within its part */
        Ragged(int line, int fields) {
            super(null, null, false, false);
            this.line = line;
            this.fields = fields;
        }
    }

    /** A cell holding a zero byte: binary data past the start of the file. */
    static final class ZeroByte extends RuntimeException {
        final int line;

        /** @param line the record's line within its part */
        ZeroByte(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    private final char decimal;
    private final int capacity;
    private List<String> header;
    private final List<String> headerCells = new ArrayList<>();
    private List<ColumnBuilder> columns;
    private int[] lines;
    private int rows;
    private int fields;

    /**
     * @param header    the column names, or null when the part's first record is the header
     * @param capacity  expected number of rows
     */
    ColumnarHandler(List<String> header, char decimal, int capacity) {
        this.decimal = decimal;
        this.capacity = capacity;
        this.lines = new int[Math.max(16, capacity)];
        if (header != null) {
            start(header);
        }
    }

    private void start(List<String> names) {
        header = names;
        columns = new ArrayList<>(names.size());
        for (int c = 0; c < names.size(); c++) {
            columns.add(new ColumnBuilder(capacity, decimal));
        }
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
        fields = 0;
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
        if (header == null) {
            headerCells.add(new String(buf, offset, len).strip());
        } else if (fieldIdx < columns.size() && !columns.get(fieldIdx).add(buf, offset, len)) {
            throw new ZeroByte((int) getStartingLineNumber());
        }
        fields++;
    }

    @Override
    protected Object buildRecord() {
        if (getRecordType() != RecordType.DATA) {
            return null; // a blank line (skipped) or a comment
        }
        int line = (int) getStartingLineNumber();
        if (header == null) {
            start(List.copyOf(headerCells));
            return header; // the reader stops here when only the header is wanted
        }
        if (fields != header.size()) {
            throw new Ragged(line, fields);
        }
        if (rows == lines.length) {
            lines = Arrays.copyOf(lines, 2 * rows);
        }
        lines[rows++] = line;
        return null;
    }

    /** The header's names (null before the first record of the first part). */
    List<String> header() {
        return header;
    }

    /** The columns of this part (null when no record was read). */
    List<ColumnBuilder> columns() {
        return columns;
    }

    /** The number of data rows read. */
    int rows() {
        return rows;
    }

    /** The line of each data row read, counted from the part's first line (1). */
    int[] lines() {
        return lines;
    }
}
