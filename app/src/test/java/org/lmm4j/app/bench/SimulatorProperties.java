package org.lmm4j.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

class SimulatorProperties {

    @Property(tries = 100)
    void reproducibleBySeedAndWellFormed(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int subjects,
                                         @ForAll @IntRange(min = 1, max = 9) int occasions,
                                         @ForAll @DoubleRange(min = 0, max = 0.9) double missing) throws IOException {
        SimulationSpec spec = SimulationSpec.of(subjects, occasions).withSeed(seed).withMissing(missing);
        ModelData a = new Simulator(spec).modelData();
        ModelData b = new Simulator(spec).modelData();
        assertEquals(a.groupCount(), b.groupCount());
        assertTrue(a.groupCount() <= subjects);
        for (int i = 0; i < a.groupCount(); i++) {
            Group g = a.groups().get(i);
            assertArrayEquals(g.y(), b.groups().get(i).y());
            assertTrue(g.size() >= 1 && g.size() <= occasions);
            for (int j = 1; j < g.size(); j++) {
                assertTrue(g.occasion()[j] > g.occasion()[j - 1], "occasions increase within a subject");
            }
        }
        StringWriter w = new StringWriter();
        assertEquals(a.observations(), new Simulator(spec).writeCsv(w));
    }
}
