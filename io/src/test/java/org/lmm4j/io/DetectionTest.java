package org.lmm4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;

/**
 * What the reader works out about a file (issue 15 item 8, item 6): separator and decimal mark, gzip, other
 * archives, binary data, overlong lines — each detected and said in one line, and never by reading on and on.
 */
class DetectionTest {

    @TempDir
    Path dir;

    private static DataTable read(byte[] bytes) {
        return CsvTableReader.read(new ByteArrayInputStream(bytes), "t.csv");
    }

    private static DataTable read(String text) {
        return read(text.getBytes(StandardCharsets.UTF_8));
    }

    private static InputException error(String text, CsvOptions options) {
        return assertThrows(InputException.class, () -> CsvTableReader.read(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv", options));
    }

    @Test
    void semicolonFileWithDecimalCommasIsReadAsRReadCsv2Would() {
        DataTable t = read("y;t;g\n1,5;1;a\n-2,25;2;b\n3;3;a\n");
        assertEquals(List.of("y", "t", "g"), t.names());
        assertArrayEquals(new double[] {1.5, -2.25, 3}, t.data("y").values());
        assertTrue(t.notes().get(0).contains("semicolon-separated with decimal commas"), t.notes().toString());
    }

    @Test
    void semicolonFileWithDecimalPointsKeepsThePoint() {
        DataTable t = read("y;t;g\n1.5;1;a\n-2.25;2;b\n3.5;3;a\n");
        assertArrayEquals(new double[] {1.5, -2.25, 3.5}, t.data("y").values());
        assertTrue(t.notes().get(0).contains("semicolon-separated") && !t.notes().get(0).contains("decimal commas"));
    }

    @Test
    void tabSeparatedFileNamedCsvIsDetected() {
        DataTable t = read("y\tt\tg\n1.5\t1\ta b\n2\t2\tc\n");
        assertEquals(List.of("y", "t", "g"), t.names());
        assertEquals("a b", t.column("g")[0]);
        assertTrue(t.notes().get(0).contains("tab-separated"), t.notes().toString());
    }

    @Test
    void aCommaFileSaysNothingAboutItsSeparator() {
        assertEquals(List.of(), read("y,t\n1,2\n3,4\n").notes());
    }

    @Test
    void aGivenSeparatorWins() {
        DataTable t = CsvTableReader.read(new ByteArrayInputStream("y|t,u\n1|2,5\n3|4\n".getBytes(StandardCharsets.UTF_8)),
                "t.csv", CsvOptions.defaults().withSeparator('|'));
        assertEquals(List.of("y", "t,u"), t.names());
        assertEquals("2,5", t.column("t,u")[0]);
        assertTrue(t.notes().get(0).contains("(--sep)"), t.notes().toString());
    }

    @Test
    void aRaggedLineWithAnotherSeparatorHintsAtSep() {
        InputException e = error("a,b,c\n1,2,3\n4;5;6\n", CsvOptions.defaults());
        assertTrue(e.getMessage().startsWith("t.csv line 3: 1 field, the header has 3"), e.getMessage());
        assertTrue(e.getMessage().contains("--sep ';'"), e.getMessage());
    }

    @Test
    void gzipIsReadTransparentlyWithTheFingerprintOfItsText() throws IOException {
        String text = "y,t,g\n1.5,1,a\n2,2,b\n";
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Path file = dir.resolve("data.csv.gz");
        Files.write(file, zipped.toByteArray());
        DataTable gz = CsvTableReader.read(file);
        DataTable plain = read(text);
        assertEquals(plain.columns().size(), gz.columns().size());
        assertArrayEquals(plain.column("g"), gz.column("g"));
        assertEquals(plain.fingerprint(), gz.fingerprint());
        assertTrue(gz.notes().get(0).contains("gzip"), gz.notes().toString());
    }

    @Test
    void aTruncatedGzipFileIsOneLine() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write("y,t\n1,2\n3,4\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        byte[] cut = java.util.Arrays.copyOf(zipped.toByteArray(), zipped.size() / 2);
        InputException e = assertThrows(InputException.class, () -> read(cut));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void zipArchivesAndUtf16AreNamed() {
        assertTrue(assertThrows(InputException.class, () -> read(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}))
                .getMessage().contains("zip archive"));
        assertTrue(assertThrows(InputException.class, () -> read(new byte[] {(byte) 0xFF, (byte) 0xFE, 'y', 0}))
                .getMessage().contains("UTF-16"));
    }

    @Test
    void devZeroIsRefusedAtOnce() {
        Path zero = Path.of("/dev/zero");
        if (!Files.isReadable(zero)) {
            return;
        }
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(InputException.class, () -> CsvTableReader.read(zero)));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
    }

    @Test
    void aZeroBytePastTheStartIsReportedAtItsLine() {
        String text = "y,t\n" + "1,2\n".repeat(40_000) + "1,a\0b\n";
        InputException e = error(text, CsvOptions.defaults());
        assertEquals("t.csv line 40002: a cell holds a zero byte — binary data, not a text (CSV) file", e.getMessage());
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() {
        String text = "y,t\n" + "1,2\n".repeat(10) + "x".repeat(5 << 20) + "\n";
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> error(text, CsvOptions.defaults().withMaxLineBytes(1 << 20)));
        assertTrue(e.getMessage().contains("a line longer than 1048576 bytes"), e.getMessage());
    }

    @Test
    void aLineWithinTheLimitIsRead() {
        String cell = "x".repeat(3 << 20);
        DataTable t = read("y,t\n1," + cell + "\n");
        assertEquals(cell, t.column("t")[0]);
    }

    @Test
    void fingerprintIsXxHash64OfTheBytesAndChangesWithAnyByte() {
        // XXH64 test vectors (seed 0): "" → ef46db3751d8e999, "abc" → 44bc2cf5ad770999
        assertEquals("ef46db3751d8e999", Fingerprint.of(new byte[0], 0, 0));
        assertEquals("44bc2cf5ad770999", Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
        String text = "y,t,g\n1.5,1,a\n2,2,b\n";
        assertEquals(read(text).fingerprint(), read(text).fingerprint());
        assertEquals(read(text).fingerprint(), read("\uFEFF" + text).fingerprint()); // the byte order mark is not data
        assertNotEquals(read(text).fingerprint(), read(text.replace("1.5", "1.6")).fingerprint());
    }

    @Test
    void withoutTheFingerprintTheTableIsTheSameButUnhashed() {
        String text = "y,t,g\n1.5,1,a\n2,2,b\n";
        DataTable hashed = read(text);
        DataTable plain = CsvTableReader.read(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                "t.csv", CsvOptions.defaults().withFingerprint(false));
        assertNotNull(hashed.fingerprint());
        assertNull(plain.fingerprint());
        assertEquals(hashed.names(), plain.names());
        for (String name : hashed.names()) {
            assertArrayEquals(hashed.column(name), plain.column(name));
        }
    }

    @Test
    void compiledModelCarriesTheFingerprint() {
        DataTable t = read("y,t,g\n1.5,1,a\n2,2,a\n3,1,b\n4.5,2,b\n2,3,a\n1,3,b\n");
        assertEquals(t.fingerprint(), ModelCompiler.compile(t, "y ~ t + (1 | g)", CompileOptions.none()).fingerprint());
    }
}
