package org.lmm4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;

/** Messages name the file line of a row, counting blank lines and the lines inside quoted cells (issue 15 item 8). */
class LineNumbersTest {

    private static DataTable read(String text) {
        return CsvTableReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv");
    }

    private static final String TEXT = "y,t,g\n"     // line 1
            + "\n"                                    // 2
            + "1,1,a\n"                               // 3: data row 1
            + "\r\n\n"                                // 4, 5
            + "2,2,\"two\nlines\"\n"                  // 6-7: data row 2
            + "3,1,a\n"                               // 8: data row 3
            + "4.5,2,\"two\nlines\"\n"                // 9-10
            + "oops,3,a\n"                            // 11: data row 5
            + "5,3,\"two\nlines\"\n";                 // 12-13

    @Test
    void rowsKnowTheirLines() {
        DataTable t = read(TEXT);
        int[] expected = {3, 6, 8, 9, 11, 12};
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r], t.line(r), "data row " + (r + 1));
        }
    }

    @Test
    void aBadCellIsReportedAtItsFileLine() {
        InputException e = assertThrows(InputException.class,
                () -> ModelCompiler.compile(read(TEXT), "y ~ t + (1 | g)", CompileOptions.none()));
        assertTrue(e.getMessage().startsWith("t.csv line 11 (data row 5), column \"y\": \"oops\" is not a number"),
                e.getMessage());
    }

    @Test
    void aRaggedRowAfterQuotedLineBreaksIsReportedAtItsFileLine() {
        InputException e = assertThrows(InputException.class, () -> read(TEXT + "\n\n6,1\n"));
        assertEquals("t.csv line 16: 2 fields, the header has 3", e.getMessage());
    }

    @Test
    void twoRowsAtOneOccasionNameTheirFileLines() {
        String text = "y,t,g\n\n1,1,a\n\n2,1,a\n3,2,b\n4,1,b\n";
        InputException e = assertThrows(InputException.class,
                () -> ModelCompiler.compile(read(text), "y ~ 1 + (1 | g)", new CompileOptions("t", null)));
        assertTrue(e.getMessage().contains("lines 3 and 5"), e.getMessage());
    }

    @Test
    void anUnclosedQuoteIsReportedAtTheLineOfItsRecord() {
        InputException e = assertThrows(InputException.class, () -> read("y,t,g\n\n1,1,a\n2,\"open,3\n4,4,b\n"));
        assertEquals("t.csv line 4: a quoted field is never closed (a \" without its closing \")", e.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsReportedAtItsLine() {
        InputException e = assertThrows(InputException.class, () -> read("y,t,g\n1,1,a\n\n2,\"b\"c,3\n"));
        assertTrue(e.getMessage().startsWith("t.csv line 4: Unexpected character after closing quote"), e.getMessage());
    }
}
