package org.lmm4j.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.api.InputException;
import org.lmm4j.io.CsvTableReader;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.model.ModelData;
import picocli.CommandLine;

class SimulateCommandTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        SimulateCommand command = new SimulateCommand(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    @Test
    void simulatedCsvReadsBackWithTheRightShape() {
        Path out = dir.resolve("sim.csv");
        assertEquals(0, run("--subjects", "200", "--occasions", "5", "--out", out.toString(), "--seed", "3"));
        DataTable table = CsvTableReader.read(out);
        assertEquals(List.of("subj", "t", "y"), table.names());
        assertEquals(1000, table.rows());
        assertEquals(200, Arrays.stream(table.column("subj")).distinct().count());
        assertEquals(List.of("0", "1", "2", "3", "4"), Arrays.stream(table.column("t")).distinct().sorted().toList());
    }

    @Test
    void theFileCompilesToTheSameModelDataTheSimulatorBuilds() {
        Path out = dir.resolve("sim.csv");
        assertEquals(0, run("--subjects", "40", "--occasions", "6", "--missing", "0.25", "--seed", "11",
                "--sigma2", "2", "--beta", "1,2", "--omega", "1,0.1,0.5", "--out", out.toString()));
        ModelData read = ModelCompiler.compile(CsvTableReader.read(out), "y ~ t + (t | subj)", CompileOptions.none())
                .data();
        SimulationSpec spec = new SimulationSpec(40, 6, new double[] {1, 2}, new double[][] {{1, 0.1}, {0.1, 0.5}},
                2, 0.25, 11);
        ModelData direct = new Simulator(spec).modelData();
        assertEquals(direct.groupCount(), read.groupCount());
        assertEquals(direct.observations(), read.observations());
        assertEquals(direct.p(), read.p());
        assertEquals(direct.q(), read.q());
        for (int i = 0; i < direct.groupCount(); i++) {
            assertEquals(direct.groups().get(i).id(), read.groups().get(i).id());
            assertArrayEquals(direct.groups().get(i).y(), read.groups().get(i).y(), 0.0);
            assertArrayEquals(direct.groups().get(i).x(), read.groups().get(i).x(), 0.0);
        }
    }

    @Test
    void missingOccasionsShortenTheFile() {
        Path out = dir.resolve("sim.csv");
        assertEquals(0, run("--subjects", "100", "--occasions", "10", "--missing", "0.5", "--out", out.toString()));
        int rows = CsvTableReader.read(out).rows();
        assertTrue(rows > 350 && rows < 650, "rows = " + rows);
    }

    @Test
    void badOptionsAreInputErrors() {
        SimulateCommand command = new SimulateCommand();
        new CommandLine(command).parseArgs("--subjects", "10", "--occasions", "3", "--out", "x.csv", "--missing", "1.5");
        assertThrows(InputException.class, command::call);
        SimulateCommand omega = new SimulateCommand();
        new CommandLine(omega).parseArgs("--subjects", "10", "--occasions", "3", "--out", "x.csv", "--omega", "1,2");
        assertThrows(InputException.class, omega::call);
    }
}
