package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;

/** The read started before the command line is parsed is taken only when it is the command's own read. */
class EarlyReadTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theCommandsOwnReadIsTakenAndIsTheSameTable() throws IOException {
        Path file = write("d.csv", "y,t,g\n1.5,1,a\n2,2,a\n3,1,b\n4.5,2,b\n");
        EarlyRead early = EarlyRead.startFor(new String[] {"fit", "--data", file.toString(), "--formula", "y ~ t + (1|g)"});
        DataTable taken = early.take(file.toString(), ModelOptions.csvOptions(null));
        DataTable read = CsvTableReader.read(file, ModelOptions.csvOptions(null));
        assertEquals(read.names(), taken.names());
        for (String name : read.names()) {
            assertArrayEquals(read.column(name), taken.column(name));
        }
        assertArrayEquals(read.lines(), taken.lines());
    }

    @Test
    void anotherReadIsNotTaken() throws IOException {
        Path file = write("d.csv", "y,t,g\n1.5,1,a\n2,2,a\n");
        EarlyRead early = EarlyRead.startFor(new String[] {"fit", "--data=" + file});
        assertNull(early.take(dir.resolve("other.csv").toString(), ModelOptions.csvOptions(null)), "another file");
        assertNull(early.take(file.toString(), ModelOptions.csvOptions(';')), "another separator");
    }

    @Test
    void nothingIsReadEarlyWhereTheGuessCouldBeWrongOrUnwanted() throws IOException {
        Path file = write("d.csv", "y,t,g\n1.5,1,a\n2,2,a\n");
        String f = file.toString();
        String[][] none = {
            {"compare", "--data", f},
            {"fit", "--data", f, "--sep", ","},
            {"fit", "--sep=;", "--data", f},
            {"fit", "--data", f, "--verbose"},
            {"fit", "--data", dir.resolve("missing.csv").toString()},
            {"fit", "--data", "dental"},
            {"fit", "--data", "bad\0name"},
            {"fit"},
        };
        for (String[] args : none) {
            assertNull(EarlyRead.startFor(args).take(f, ModelOptions.csvOptions(null)), String.join(" ", args));
        }
    }

    @Test
    void whatTheReaderThrewIsThrownWhenTaken() throws IOException {
        Path file = write("bad.csv", "y,t,g\n1.5,1,a\n2,2\n");
        InputException direct = assertThrows(InputException.class,
                () -> CsvTableReader.read(file, ModelOptions.csvOptions(null)));
        EarlyRead early = EarlyRead.startFor(new String[] {"fit", "--data", file.toString()});
        InputException taken = assertThrows(InputException.class,
                () -> early.take(file.toString(), ModelOptions.csvOptions(null)));
        assertEquals(direct.getMessage(), taken.getMessage());
    }

    @Test
    void aBadFileGetsTheSameMessageAndExitStatusThroughTheCommandLine() throws IOException {
        Path file = write("bad.csv", "y,t,g\n1.5,1,a\n2,2\n");
        Cli.Run early = Cli.run("fit", "--data", file.toString(), "--formula", "y ~ t + (1|g)");
        Cli.Run inTurn = Cli.run("fit", "--data", file.toString(), "--formula", "y ~ t + (1|g)", "--sep", ",");
        assertEquals(2, early.exit());
        assertEquals(inTurn.err(), early.err());
        assertTrue(early.err().contains("line 3"), early.err());
    }
}
