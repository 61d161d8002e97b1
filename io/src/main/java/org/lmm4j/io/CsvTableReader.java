package org.lmm4j.io;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;
import org.lmm4j.data.Excerpt;
import org.lmm4j.data.NumberCells;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a long-format CSV file (one row per observation, a header row naming the columns) into a columnar
 * {@link DataTable}: numbers parsed straight into primitive arrays, texts coded, the file line of every row kept,
 * and (unless {@link CsvOptions#fingerprint} is off) an xxHash64 fingerprint of the bytes. Quoted fields (RFC 4180, with line breaks inside), blanks around cells
 * trimmed, blank lines skipped, {@code NA} or an empty cell missing; UTF-8 with an optional byte order mark; gzip read
 * transparently; the separator (comma, tab or semicolon with decimal commas) detected from the header or given.
 * Large files are cut into parts ({@link RecordSplitter}) parsed in parallel with FastCSV; a cut inside a quoted
 * field is detected and the file then parsed in one piece, so the table is the same for any number of parts. Every problem is an {@link InputException} of one line naming the
 * file and line; reading is bounded ({@link SourceBytes}), so a binary file or {@code /dev/zero} is refused at once.
 */
public final class CsvTableReader {

    private static final Logger LOG = LoggerFactory.getLogger(CsvTableReader.class);

    private static final String ZERO_BYTE = "a cell holds a zero byte — binary data, not a text (CSV) file";

    /** Parts are at least this large (smaller files are parsed in one piece). */
    static final int MIN_PART_BYTES = 1 << 20;

    private CsvTableReader() {
    }

    /** Reads the file at {@code path} with the default options. */
    public static DataTable read(Path path) {
        return read(path, CsvOptions.defaults());
    }

    /** Reads the file at {@code path}. */
    public static DataTable read(Path path, CsvOptions options) {
        String name = path.getFileName() == null || !Files.isRegularFile(path) ? path.toString()
                : path.getFileName().toString();
        if (Files.isDirectory(path)) {
            throw new InputException(path + ": is a directory, not a CSV file");
        }
        long size;
        try {
            size = Files.isRegularFile(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            size = 0;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, name, options, size);
        } catch (NoSuchFileException e) {
            throw new InputException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new InputException(path + ": cannot be read (permission denied)");
        } catch (IOException e) {
            throw new InputException(path + ": cannot be read (" + oneLine(e) + ")");
        }
    }

    /** Reads CSV text from a stream with the default options; {@code source} names it in errors. */
    public static DataTable read(InputStream in, String source) {
        return read(in, source, CsvOptions.defaults());
    }

    /** Reads CSV text from a stream; {@code source} names it in errors. */
    public static DataTable read(InputStream in, String source, CsvOptions options) {
        try {
            return read(in, source, options, 0);
        } catch (IOException e) {
            throw new InputException(source + ": cannot be read (" + oneLine(e) + ")");
        }
    }

    private static DataTable read(InputStream in, String source, CsvOptions options, long sizeHint) throws IOException {
        long start = System.nanoTime();
        SourceBytes data;
        try {
            data = SourceBytes.read(in, source, options, sizeHint);
        } catch (java.util.zip.ZipException e) {
            throw new InputException(source + ": a damaged gzip file (" + oneLine(e) + ")");
        } catch (java.io.EOFException e) {
            throw new InputException(source + ": a truncated gzip file (it ends before its end marker)");
        }
        Dialect dialect = Dialect.of(data.bytes(), data.start(), data.end(), options.separator());
        int parts = options.chunks() > 0 ? options.chunks()
                : (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
                        (long) (data.end() - data.start()) / MIN_PART_BYTES));
        List<RecordSplitter.Part> split = RecordSplitter.split(data.bytes(), data.start(), data.end(), parts);
        List<String> header = split.size() == 1 ? null : header(data, split.get(0), dialect);
        List<Outcome> outcomes = header == null ? null : parseParts(data, split, header, dialect, source);
        if (outcomes == null) {
            RecordSplitter.Part whole = new RecordSplitter.Part(data.start(), data.end());
            split = List.of(whole);
            outcomes = List.of(parsePart(data, whole, null, dialect, source, true));
        }
        List<ColumnarHandler> handlers = new ArrayList<>(outcomes.size());
        int[] firstLines = new int[outcomes.size()];
        int line = 1;
        for (int k = 0; k < outcomes.size(); k++) {
            Outcome o = outcomes.get(k);
            firstLines[k] = line;
            if (o.ragged() != null) {
                throw ragged(o.ragged(), o.handler().header().size(), line, data, dialect, source);
            }
            if (o.malformed() != null) {
                throw new InputException(source + " line " + (o.malformed().line() + line - 1) + ": "
                        + o.malformed().what());
            }
            if (o.error() != null) {
                throw o.error(); // the first error in file order, whatever the parallel order
            }
            handlers.add(o.handler());
            line += o.lineBreaks();
        }
        DataTable table = table(handlers, firstLines, data, dialect, source, options.fingerprint());
        LOG.debug("read {}: {} rows × {} columns, {} bytes in {} part(s), in {} ms", source, table.rows(),
                table.names().size(), data.end() - data.start(), handlers.size(), (System.nanoTime() - start) / 1_000_000);
        return table;
    }

    /**
     * The parts parsed in parallel, or null when a cut fell inside a quoted field (a part before the last ended
     * with an unclosed quote, see {@link RecordSplitter}) and the file must be parsed in one piece.
     */
    private static List<Outcome> parseParts(SourceBytes data, List<RecordSplitter.Part> split, List<String> header,
                                            Dialect dialect, String source) {
        List<Outcome> outcomes = split.parallelStream()
                .map(part -> parsePart(data, part, part == split.get(0) ? null : header, dialect, source,
                        part == split.get(split.size() - 1)))
                .toList();
        for (Outcome o : outcomes) {
            if (o.cutInsideQuotes()) {
                return null;
            }
            if (o.failed()) {
                return outcomes; // a real error, before any doubtful cut
            }
        }
        return outcomes;
    }

    /** The header of the first part, parsed alone (its first record), for the parts parsed in parallel. */
    private static List<String> header(SourceBytes data, RecordSplitter.Part first, Dialect dialect) {
        ColumnarHandler h = new ColumnarHandler(null, dialect.decimal(), 0);
        try (CsvReader<Object> reader = builder(dialect).build(h,
                new ByteArrayInputStream(data.bytes(), first.from(), first.to() - first.from()), StandardCharsets.UTF_8)) {
            var it = reader.iterator();
            while (h.header() == null && it.hasNext()) {
                it.next();
            }
        } catch (ColumnarHandler.Ragged | IOException | UncheckedIOException | CsvParseException e) {
            // reported when the first part is parsed
        }
        return h.header();
    }

    private static CsvReader.CsvReaderBuilder builder(Dialect dialect) {
        return CsvReader.builder()
                .fieldSeparator(dialect.separator())
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .allowUnclosedQuote(false)
                .trimWhitespacesAroundQuotes(true)
                .maxBufferSize(CsvOptions.MAX_LINE_BYTES * 2);
    }

    /**
     * A part parsed, or what stopped it: a ragged record (its line within the part), another error, or an unclosed
     * quote at the end of a part that is not the last (a cut inside a quoted field).
     */
    private record Outcome(ColumnarHandler handler, int lineBreaks, ColumnarHandler.Ragged ragged,
                           Malformed malformed, InputException error, boolean cutInsideQuotes) {
        Outcome(ColumnarHandler handler, int lineBreaks, ColumnarHandler.Ragged ragged, InputException error,
                boolean cutInsideQuotes) {
            this(handler, lineBreaks, ragged, null, error, cutInsideQuotes);
        }

        boolean failed() {
            return ragged != null || malformed != null || error != null;
        }
    }

    /** FastCSV's complaint about the quoting of a record, at the record's line within its part. */
    private record Malformed(int line, String what) {

        private static final Pattern AT_LINE = Pattern.compile("^(.*?) \\(record starting at line (\\d+)\\)$");

        /** The complaint in {@code message}, or null when it names no line. */
        static Malformed of(String message) {
            Matcher m = AT_LINE.matcher(message == null ? "" : message);
            if (!m.matches()) {
                return null;
            }
            String what = m.group(1).startsWith("Unclosed quoted field")
                    ? "a quoted field is never closed (a \" without its closing \")"
                    : Excerpt.cut(m.group(1).replaceAll("\\s+", " "))
                            + " (quote a field holding quotes, and double the quotes in it)";
            return new Malformed(Integer.parseInt(m.group(2)), what);
        }
    }

    /** Parses one part; {@code header} null when the part starts with the header. */
    private static Outcome parsePart(SourceBytes data, RecordSplitter.Part part, List<String> header,
                                     Dialect dialect, String source, boolean last) {
        int bytes = part.to() - part.from();
        ColumnarHandler h = new ColumnarHandler(header, dialect.decimal(), data.linesIn(bytes));
        try (CsvReader<Object> reader = builder(dialect).build(h,
                new ByteArrayInputStream(data.bytes(), part.from(), bytes), StandardCharsets.UTF_8)) {
            var records = reader.iterator(); // the handler keeps every record; the reader returns only the header
            while (records.hasNext()) {
                records.next();
            }
            if (header == null && h.header() != null) {
                checkHeader(h.header(), source);
            }
            int breaks = last ? 0 : RecordSplitter.lineBreaks(data.bytes(), part.from(), part.to());
            return new Outcome(h, breaks, null, null, false);
        } catch (InputException e) {
            return new Outcome(h, 0, null, e, false);
        } catch (ColumnarHandler.Ragged r) {
            return headerError(h, header, source, new Outcome(h, 0, r, null, false));
        } catch (ColumnarHandler.ZeroByte z) {
            return new Outcome(h, 0, null, new Malformed(z.line, ZERO_BYTE), null, false);
        } catch (CsvParseException | UncheckedIOException e) {
            Throwable cause = e.getCause();
            if (cause instanceof VirtualMachineError vm) {
                throw vm; // out of memory is not bad input: the command line says how to give Java more heap
            }
            if (cause instanceof ColumnarHandler.Ragged r) {
                return headerError(h, header, source, new Outcome(h, 0, r, null, false));
            }
            if (cause instanceof ColumnarHandler.ZeroByte z) {
                return new Outcome(h, 0, null, new Malformed(z.line, ZERO_BYTE), null, false);
            }
            if (!last && String.valueOf(e.getMessage()).startsWith("Unclosed quoted field")) {
                return new Outcome(h, 0, null, null, true);
            }
            Malformed malformed = Malformed.of(e.getMessage());
            if (malformed != null) {
                return headerError(h, header, source, new Outcome(h, 0, null, malformed, null, false));
            }
            return headerError(h, header, source, new Outcome(h, 0, null,
                    new InputException(source + ": not a readable CSV file (" + oneLine(e) + ")"), false));
        } catch (IOException e) {
            return new Outcome(h, 0, null, new InputException(source + ": not a readable CSV file (" + oneLine(e) + ")"),
                    false);
        }
    }

    /** The header's own error when the first part's header is bad, else {@code otherwise}. */
    private static Outcome headerError(ColumnarHandler h, List<String> header, String source, Outcome otherwise) {
        if (header == null && h.header() != null) {
            try {
                checkHeader(h.header(), source);
            } catch (InputException e) {
                return new Outcome(h, 0, null, e, false);
            }
        }
        return otherwise;
    }

    private static DataTable table(List<ColumnarHandler> handlers, int[] firstLines, SourceBytes data, Dialect dialect,
                                   String source, boolean hashed) {
        List<String> header = handlers.get(0).header();
        if (header == null) {
            throw new InputException(source + ": the file is empty (a header row naming the columns is needed)");
        }
        int rows = 0;
        for (ColumnarHandler h : handlers) {
            rows += h.rows();
        }
        if (rows == 0) {
            throw new InputException(source + ": the file has a header row but no data rows");
        }
        List<DataColumn> columns = new ArrayList<>(header.size());
        for (int c = 0; c < header.size(); c++) {
            List<ColumnBuilder> parts = new ArrayList<>(handlers.size());
            for (ColumnarHandler h : handlers) {
                parts.add(h.columns().get(c));
            }
            columns.add(ColumnBuilder.merge(parts));
        }
        int[] lines = new int[rows];
        int at = 0;
        for (int k = 0; k < handlers.size(); k++) {
            int[] local = handlers.get(k).lines();
            int offset = firstLines[k] - 1;
            for (int r = 0, n = handlers.get(k).rows(); r < n; r++) {
                lines[at++] = local[r] + offset;
            }
        }
        List<String> notes = new ArrayList<>();
        if (data.compressed()) {
            notes.add(source + " read through gzip");
        }
        if (dialect.note() != null) {
            notes.add(source + " " + dialect.note());
        }
        return new DataTable(source, header, columns, lines, notes,
                hashed ? Fingerprint.of(data.bytes(), data.start(), data.end()) : null);
    }

    private static void checkHeader(List<String> names, String source) {
        Set<String> seen = new HashSet<>();
        boolean allNumeric = true;
        for (int c = 0; c < names.size(); c++) {
            String n = names.get(c);
            if (n.isEmpty()) {
                throw new InputException(source + " line 1: column " + (c + 1)
                        + " has no name (the first row must be a header naming every column)");
            }
            if (!seen.add(n)) {
                throw new InputException(source + " line 1: the column name " + quotedName(n) + " appears twice in the header");
            }
            allNumeric &= !Double.isNaN(NumberCells.parse(n)) || NumberCells.isNonFinite(n);
        }
        if (allNumeric) {
            throw new InputException(source + " line 1: no header row (the first row holds only numbers; "
                    + "it must name the columns)");
        }
    }

    private static String quotedName(String n) {
        String q = Excerpt.quoted(n);
        return "'" + q.substring(1, q.lastIndexOf('"')) + "'" + q.substring(q.lastIndexOf('"') + 1);
    }

    /**
     * The message for a record with the wrong number of fields, with a hint at the separator when the line holds
     * another candidate separator (or, with a single-column header, any).
     */
    private static InputException ragged(ColumnarHandler.Ragged r, int headerFields, int firstLine, SourceBytes data,
                                         Dialect dialect, String source) {
        int line = r.line + firstLine - 1;
        String message = source + " line " + line + ": " + r.fields + " field" + (r.fields == 1 ? "" : "s")
                + ", the header has " + headerFields;
        String text = lineText(data, line);
        for (char other : new char[] {',', '\t', ';'}) {
            if (other != dialect.separator() && text.indexOf(other) >= 0) {
                message += " (read as " + Dialect.name(dialect.separator()) + "-separated"
                        + (dialect.given() ? "" : ", detected from the header") + "; the line also has "
                        + Dialect.name(other) + "s: if they separate the fields, give --sep "
                        + (other == '\t' ? "tab" : "'" + other + "'") + ")";
                break;
            }
        }
        return new InputException(message);
    }

    /** The text of a file line (its first 4 096 bytes), for a hint in a message. */
    private static String lineText(SourceBytes data, int line) {
        byte[] b = data.bytes();
        int at = data.start();
        for (int l = 1; l < line && at < data.end(); at++) {
            if (b[at] == '\n') {
                l++;
            }
        }
        int end = at;
        while (end < data.end() && b[end] != '\n' && end - at < 4096) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Excerpt.cut(m.replaceAll("\\s+", " ").trim());
    }
}
