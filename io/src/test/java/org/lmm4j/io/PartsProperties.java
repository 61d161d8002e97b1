package org.lmm4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataColumn;
import org.lmm4j.data.DataTable;

/**
 * Parsing in parallel parts gives exactly the table of parsing in one piece — cells, codes, texts, file lines,
 * notes, fingerprint — and exactly the same error, whatever the number of parts, with quoted fields holding
 * separators, quotes and line breaks (so that cuts fall inside them), blank lines and CRLF line ends.
 */
class PartsProperties {

    private static final String[] WORDS = {"a", "b", "M01", "x y", "NaN", "Inf", "1e", "-", "é"};

    /** A random CSV text of about {@code rows} rows; with {@code ragged}, one row has a field too many. */
    static String csv(long seed, int rows, boolean ragged) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder("y, g ,\"t\"\n");
        int bad = ragged ? r.nextInt(rows) : -1;
        for (int i = 0; i < rows; i++) {
            if (r.nextInt(10) == 0) {
                s.append(r.nextBoolean() ? "\n" : "\r\n"); // blank line
            }
            int fields = i == bad ? 4 : 3;
            for (int f = 0; f < fields; f++) {
                if (f > 0) {
                    s.append(',');
                }
                s.append(cell(r));
            }
            s.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
        }
        return s.toString();
    }

    private static String cell(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> "NA";
            case 1 -> "";
            case 2 -> " " + r.nextInt(100) + " ";
            case 3 -> Double.toString(r.nextGaussian() * 1e3);
            case 4 -> r.nextInt(1000) + "e-" + r.nextInt(5);
            case 5 -> WORDS[r.nextInt(WORDS.length)];
            case 6 -> "\"" + r.nextInt(50) + ".5\"";
            case 7 -> "\"a, b\"";
            case 8 -> "\"line one\nline " + r.nextInt(3) + "\"";
            case 9 -> "\"say \"\"hi\"\"\"";
            case 10 -> " \"" + WORDS[r.nextInt(WORDS.length)] + "\" ";
            default -> Integer.toString(r.nextInt(20) - 10);
        };
    }

    private static Object read(String text, int parts) {
        try {
            return CsvTableReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "p.csv",
                    CsvOptions.defaults().withChunks(parts));
        } catch (InputException e) {
            return e.getMessage();
        }
    }

    static void assertSameTable(Object one, Object many) {
        if (one instanceof String message) {
            assertEquals(message, many);
            return;
        }
        DataTable a = (DataTable) one;
        DataTable b = (DataTable) many;
        assertEquals(a.names(), b.names());
        assertEquals(a.rows(), b.rows());
        for (int c = 0; c < a.names().size(); c++) {
            DataColumn x = a.columnData().get(c);
            DataColumn y = b.columnData().get(c);
            assertArrayEquals(x.values(), y.values());
            assertArrayEquals(x.codes(), y.codes());
            assertEquals(x.texts(), y.texts());
        }
        for (int row = 0; row < a.rows(); row++) {
            assertEquals(a.line(row), b.line(row), "line of data row " + row);
        }
        assertEquals(a.notes(), b.notes());
        assertEquals(a.fingerprint(), b.fingerprint());
    }

    @Property(tries = 200)
    void partsGiveTheTableOfOnePiece(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int rows,
                                     @ForAll @IntRange(min = 2, max = 9) int parts) {
        String text = csv(seed, rows, false);
        assertSameTable(read(text, 1), read(text, parts));
    }

    @Property(tries = 100)
    void partsGiveTheErrorOfOnePiece(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int rows,
                                     @ForAll @IntRange(min = 2, max = 9) int parts) {
        String text = csv(seed, rows, true);
        Object one = read(text, 1);
        assertEquals(String.class, one.getClass());
        assertSameTable(one, read(text, parts));
    }

    @Property(tries = 100)
    void anUnclosedQuoteGivesTheErrorOfOnePiece(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int rows,
                                                @ForAll @IntRange(min = 2, max = 9) int parts) {
        String text = csv(seed, rows, false) + "1,\"never closed,2\n" + "1,2,3\n".repeat(rows);
        Object one = read(text, 1);
        assertEquals(String.class, one.getClass());
        assertSameTable(one, read(text, parts));
    }

    @Test
    void aCutInsideAQuotedFieldIsDetected() {
        StringBuilder s = new StringBuilder("y,g\n");
        s.append("1,\"").append("quoted\n".repeat(200)).append("\"\n");
        s.append("2,b\n".repeat(10));
        DataTable one = (DataTable) read(s.toString(), 1);
        assertEquals(11, one.rows());
        assertEquals(203, one.line(1));
        assertSameTable(one, read(s.toString(), 2));
    }

    @Test
    void manyRowsInDefaultPartsGiveTheTableOfOnePiece() {
        String text = csv(7, 120_000, false);
        Object auto = CsvTableReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "p.csv");
        assertSameTable(read(text, 1), auto);
    }
}
