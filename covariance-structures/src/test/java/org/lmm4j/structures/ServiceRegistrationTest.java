package org.lmm4j.structures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.CovarianceStructure;

/** All six structures are discovered by {@link ServiceLoader} under distinct names. */
class ServiceRegistrationTest {

    @Test
    void everyStructureIsRegisteredOnceByName() {
        List<String> names = ServiceLoader.load(CovarianceStructure.class).stream()
                .map(p -> p.get().name()).sorted().toList();
        assertEquals(List.of("ar1", "cs", "diagonal", "free", "scalar", "toeplitz"), names);
    }

    @Test
    void parameterCountsFollowThePaper() {
        int[][] expected = {{1, 4, 10, 2, 2, 4}, {1, 1, 1, 1, 1, 1}, {1, 2, 3, 2, 2, 2}};
        int[] dims = {4, 1, 2};
        List<CovarianceStructure> structures = List.of(new ScalarStructure(), new DiagonalStructure(),
                new FreeStructure(), new CompoundSymmetryStructure(), new Ar1Structure(), new ToeplitzStructure());
        for (int row = 0; row < dims.length; row++) {
            for (int s = 0; s < structures.size(); s++) {
                assertEquals(expected[row][s], structures.get(s).parameterCount(dims[row]),
                        structures.get(s).name() + " at d = " + dims[row]);
            }
        }
    }
}
