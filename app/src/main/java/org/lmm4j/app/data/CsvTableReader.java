package org.lmm4j.app.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;

/**
 * Reads a long-format CSV file (one row per observation, a header row naming the columns) into a
 * {@link DataTable} of raw cells, with Apache Commons CSV: quoted fields, surrounding blanks trimmed,
 * blank lines skipped, {@code NA} or an empty cell read as missing ({@code null}). Typing is left to
 * the formula compiler. Every problem is an {@link InputException} of one line naming the file and line.
 */
public final class CsvTableReader {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setTrim(true)
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .get();

    private CsvTableReader() {
    }

    /** Reads the file at {@code path}. */
    public static DataTable read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        if (Files.isDirectory(path)) {
            throw new InputException(path + ": is a directory, not a CSV file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, name);
        } catch (NoSuchFileException e) {
            throw new InputException(path + ": no such file");
        } catch (IOException e) {
            throw new InputException(path + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Reads CSV text from a stream (UTF-8, an optional byte order mark skipped); {@code source} names it in errors. */
    public static DataTable read(InputStream in, String source) {
        try (Reader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             CSVParser parser = CSVParser.builder().setReader(skipBom(reader)).setFormat(FORMAT).get()) {
            return parse(parser, source);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new InputException(source + ": not a readable CSV file (" + oneLine(e) + ")");
        }
    }

    private static DataTable parse(CSVParser parser, String source) {
        List<String> header = null;
        List<List<String>> cells = new ArrayList<>();
        for (CSVRecord rec : parser) {
            long line = parser.getCurrentLineNumber();
            if (header == null) {
                header = header(rec, source);
                for (int c = 0; c < header.size(); c++) {
                    cells.add(new ArrayList<>());
                }
                continue;
            }
            if (rec.size() != header.size()) {
                throw new InputException(source + " line " + line + ": " + rec.size() + " field"
                        + (rec.size() == 1 ? "" : "s") + ", the header has " + header.size());
            }
            for (int c = 0; c < rec.size(); c++) {
                cells.get(c).add(cell(rec.get(c)));
            }
        }
        if (header == null) {
            throw new InputException(source + ": the file is empty (a header row naming the columns is needed)");
        }
        if (cells.get(0).isEmpty()) {
            throw new InputException(source + ": the file has a header row but no data rows");
        }
        List<String[]> columns = new ArrayList<>(header.size());
        for (List<String> c : cells) {
            columns.add(c.toArray(new String[0]));
        }
        return new DataTable(source, header, columns);
    }

    private static List<String> header(CSVRecord rec, String source) {
        List<String> names = new ArrayList<>(rec.size());
        Set<String> seen = new HashSet<>();
        boolean allNumeric = true;
        for (int c = 0; c < rec.size(); c++) {
            String n = rec.get(c).trim();
            if (n.isEmpty()) {
                throw new InputException(source + " line 1: column " + (c + 1)
                        + " has no name (the first row must be a header naming every column)");
            }
            if (!seen.add(n)) {
                throw new InputException(source + " line 1: the column name '" + n + "' appears twice in the header");
            }
            allNumeric &= isNumber(n);
            names.add(n);
        }
        if (allNumeric) {
            throw new InputException(source + " line 1: no header row (the first row holds only numbers; "
                    + "it must name the columns)");
        }
        return names;
    }

    private static String cell(String raw) {
        String s = raw.trim();
        return s.isEmpty() || s.equals("NA") ? null : s;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Reader skipBom(Reader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    private static String oneLine(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
