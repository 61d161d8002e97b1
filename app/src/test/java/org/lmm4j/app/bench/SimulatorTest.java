package org.lmm4j.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

class SimulatorTest {

    @Test
    void theSameSeedGivesTheSameDataAndAnotherSeedOtherData() {
        SimulationSpec spec = SimulationSpec.of(50, 6).withMissing(0.2).withSeed(42);
        ModelData a = new Simulator(spec).modelData();
        ModelData b = new Simulator(spec).modelData();
        ModelData c = new Simulator(spec.withSeed(43)).modelData();
        assertEquals(a.groupCount(), b.groupCount());
        for (int i = 0; i < a.groupCount(); i++) {
            assertArrayEquals(a.groups().get(i).y(), b.groups().get(i).y());
            assertArrayEquals(a.groups().get(i).occasion(), b.groups().get(i).occasion());
        }
        assertFalse(Arrays.equals(a.groups().get(0).y(), c.groups().get(0).y()));
    }

    @Test
    void modelDataIsTheRandomInterceptAndSlopeDesign() {
        ModelData d = new Simulator(SimulationSpec.of(20, 7)).modelData();
        assertEquals(20, d.groupCount());
        assertEquals(140, d.observations());
        assertEquals(List.of("(Intercept)", "t"), d.fixedNames());
        assertEquals(List.of("(Intercept)", "t"), d.randomNames());
        assertEquals(7, d.occasions());
        for (Group g : d.groups()) {
            assertEquals(7, g.size());
            for (int j = 0; j < 7; j++) {
                assertEquals(j, g.occasion()[j]);
                assertEquals(1.0, g.x(j, 0, 2));
                assertEquals(j, g.x(j, 1, 2));
                assertEquals(g.x(j, 1, 2), g.z(j, 1, 2));
            }
        }
    }

    @Test
    void theShareOfMissingOccasionsIsAboutTheRequestedShare() {
        ModelData d = new Simulator(SimulationSpec.of(2000, 10).withMissing(0.2)).modelData();
        // 20 000 Bernoulli(0.8) cells: sd of the count is about 57
        assertEquals(16_000, d.observations(), 300);
    }

    @Test
    void sampleMomentsMatchTheModel() {
        // at t = 0: y = β0 + b0 + e, so mean β0 = 10 and variance Ω00 + σ² = 4 + 1;
        // the within-subject slope averages β1 = 0.5
        ModelData d = new Simulator(SimulationSpec.of(20_000, 5).withSeed(7)).modelData();
        double sum = 0;
        double sumSq = 0;
        double slope = 0;
        for (Group g : d.groups()) {
            double y0 = g.y()[0];
            sum += y0;
            sumSq += y0 * y0;
            slope += (g.y()[4] - g.y()[0]) / 4;
        }
        int n = d.groupCount();
        double mean = sum / n;
        assertEquals(10.0, mean, 0.06);
        assertEquals(5.0, sumSq / n - mean * mean, 0.25);
        assertEquals(0.5, slope / n, 0.02);
    }

    @Test
    void theCsvHoldsExactlyTheRowsOfTheModelData() throws IOException {
        SimulationSpec spec = SimulationSpec.of(30, 4).withMissing(0.3).withSeed(5);
        StringWriter w = new StringWriter();
        long rows = new Simulator(spec).writeCsv(w);
        String[] lines = w.toString().split("\n");
        assertEquals("subj,t,y", lines[0]);
        ModelData d = new Simulator(spec).modelData();
        assertEquals(d.observations(), rows);
        assertEquals(rows + 1, lines.length);
        int line = 1;
        for (Group g : d.groups()) {
            for (int j = 0; j < g.size(); j++) {
                String[] cells = lines[line++].split(",");
                assertEquals(g.id(), cells[0]);
                assertEquals(g.occasion()[j], Integer.parseInt(cells[1]));
                assertEquals(g.y()[j], Double.parseDouble(cells[2]), 0.0);
            }
        }
    }

    @Test
    void aMillionRowsTakeAboutASecondNotMinutes() throws IOException {
        SimulationSpec spec = SimulationSpec.of(100_000, 10);
        long start = System.nanoTime();
        long rows = new Simulator(spec).writeCsv(java.io.Writer.nullWriter());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1_000_000, rows);
        assertTrue(seconds < 10, "1e6 CSV rows took " + seconds + " s");
    }

    @Test
    void badSpecsAreInputErrors() {
        assertThrows(InputException.class, () -> SimulationSpec.of(0, 10));
        assertThrows(InputException.class, () -> SimulationSpec.of(10, 10).withMissing(1.0));
        assertThrows(InputException.class, () -> new SimulationSpec(10, 10, new double[] {1, 2},
                new double[][] {{1, 2}, {2, 1}}, 1, 0, 1));
        assertThrows(InputException.class, () -> new SimulationSpec(10, 10, new double[] {1, 2},
                new double[][] {{1, 0}, {0, 1}}, 0, 0, 1));
    }
}
