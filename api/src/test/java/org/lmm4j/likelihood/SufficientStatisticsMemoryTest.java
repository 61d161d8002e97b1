package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * A fixed factor with hundreds of levels over thousands of groups (issue 15, item 7): the per-group sufficient
 * statistics (p² numbers per group) would overflow an array and the heap, so the model is refused at once with what
 * to do, instead of running out of memory after the reduction started.
 */
class SufficientStatisticsMemoryTest {

    @Test
    void statisticsThatCannotFitAreRefusedWithAdvice() {
        int n = 3000;
        int p = 900; // 3000 · 900² > 2³¹ cells
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[p];
            x[0] = 1;
            x[1 + i % (p - 1)] = 1;
            groups.add(new Group("g" + i, new double[] {i % 7}, x, new double[] {1}, new int[] {0}));
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < p; k++) {
            names.add("x" + k);
        }
        ModelData data = new ModelData(groups, names, List.of("(Intercept)"), "y", "g", List.of("1"), 0, List.of());
        MixedModel model = new MixedModel(data, new SufficientStatisticsProperties.Scalar(),
                new SufficientStatisticsProperties.Free(), Method.ML);
        InputException e = assertThrows(InputException.class, () -> new ProfiledDeviance(model));
        assertTrue(e.getMessage().contains("p = 900") && e.getMessage().contains("(1 | factor)"), e.getMessage());
    }
}
