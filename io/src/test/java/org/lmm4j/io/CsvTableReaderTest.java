package org.lmm4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;

/** Reading long-format CSV: quoting, trimming, missing cells, and one-line errors naming file and line. */
class CsvTableReaderTest {

    private static DataTable read(String text) {
        return CsvTableReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv");
    }

    @Test
    void quotedFieldsTrimmedCellsAndMissingValues() {
        DataTable t = read("\uFEFF\"y\", \"g\" ,x\n 1.5 ,\"a, b\",NA\n\n2,\"c\",\n3,d,4\n");
        assertEquals(List.of("y", "g", "x"), t.names());
        assertEquals(3, t.rows());
        assertArrayEquals(new String[] {"1.5", "2", "3"}, t.column("y"));
        assertArrayEquals(new String[] {"a, b", "c", "d"}, t.column("g"));
        assertNull(t.column("x")[0]);
        assertNull(t.column("x")[1]);
        assertEquals("4", t.column("x")[2]);
    }

    @Test
    void raggedRowIsReportedWithItsLine() {
        InputException e = assertThrows(InputException.class, () -> read("a,b,c,d\n1,2,3,4\n1,2,3\n"));
        assertEquals("t.csv line 3: 3 fields, the header has 4", e.getMessage());
    }

    @Test
    void emptyFileAndHeaderOnlyFile() {
        assertTrue(assertThrows(InputException.class, () -> read("")).getMessage().contains("empty"));
        assertTrue(assertThrows(InputException.class, () -> read("a,b\n")).getMessage().contains("no data rows"));
    }

    @Test
    void aFirstRowOfNumbersIsNotAHeader() {
        InputException e = assertThrows(InputException.class, () -> read("1,2\n3,4\n"));
        assertTrue(e.getMessage().startsWith("t.csv line 1: no header row"), e.getMessage());
    }

    @Test
    void duplicateColumnNames() {
        InputException e = assertThrows(InputException.class, () -> read("a,b,a\n1,2,3\n"));
        assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
    }
}
