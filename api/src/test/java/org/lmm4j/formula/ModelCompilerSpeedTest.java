package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.ModelData;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A million rows (100 000 subjects × 10 occasions) compile in well under the fit budget of docs/DESIGN.md §5. */
class ModelCompilerSpeedTest {

    @Test
    void millionRowsCompileInAboutASecond() {
        int subjects = 100_000;
        int occasions = 10;
        int n = subjects * occasions;
        String[] subj = new String[n];
        String[] t = new String[n];
        String[] y = new String[n];
        String[] sex = new String[n];
        Random random = new Random(1);
        for (int s = 0, r = 0; s < subjects; s++) {
            for (int j = 0; j < occasions; j++, r++) {
                subj[r] = "S" + s;
                t[r] = Integer.toString(j);
                y[r] = Double.toString(Math.round((20 + j + random.nextGaussian()) * 1000) / 1000.0);
                sex[r] = s % 2 == 0 ? "M" : "F";
            }
        }
        DataTable table = new DataTable("big.csv", List.of("subj", "t", "y", "sex"), List.of(subj, t, y, sex));
        long best = Long.MAX_VALUE;
        ModelData d = null;
        for (int rep = 0; rep < 2; rep++) {
            long start = System.nanoTime();
            d = ModelCompiler.compile(table, "y ~ sex*t + (t | subj)", new CompileOptions("t", null)).data();
            best = Math.min(best, System.nanoTime() - start);
        }
        assertEquals(subjects, d.groupCount());
        assertEquals(n, d.observations());
        assertEquals(occasions, d.occasions());
        double seconds = best / 1e9;
        System.out.printf("compiled 1e6 rows in %.3f s%n", seconds);
        assertTrue(seconds < 4, "1e6 rows took " + seconds + " s");
    }
}
