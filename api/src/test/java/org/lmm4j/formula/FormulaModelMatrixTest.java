package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Formulas with functions give R's {@code model.matrix}: the same column names ({@code log(x)}, {@code I(x^2)},
 * {@code poly(x, 3)1}, {@code `w (cm)`}) and the same values, poly() and scale() included, to 1e-12
 * ({@code make-references.R} made {@code model-matrix.csv} from {@code covariates.csv}).
 */
class FormulaModelMatrixTest {

    /** For each formula of the reference file: its column names and, by column, its values over the rows. */
    private static Map<String, Map<String, double[]>> reference() {
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        List<List<String>> rows = RCsv.rows("model-matrix.csv");
        int n = RCsv.table("covariates.csv").rows();
        for (List<String> r : rows.subList(1, rows.size())) {
            Map<String, double[]> columns = out.computeIfAbsent(r.get(0), f -> new LinkedHashMap<>());
            double[] values = columns.computeIfAbsent(r.get(2), c -> new double[n]);
            values[Integer.parseInt(r.get(3)) - 1] = Double.parseDouble(r.get(4));
        }
        return out;
    }

    @Test
    void columnNamesAndValuesAreRs() {
        DataTable covariates = RCsv.table("covariates.csv");
        Map<String, Map<String, double[]>> reference = reference();
        assertEquals(13, reference.size());
        for (Map.Entry<String, Map<String, double[]>> e : reference.entrySet()) {
            String formula = e.getKey();
            ModelData d = ModelCompiler.compile(covariates, formula, CompileOptions.none()).data();
            List<String> names = new ArrayList<>(e.getValue().keySet());
            assertEquals(names, d.fixedNames(), formula);
            int p = d.p();
            for (int c = 0; c < p; c++) {
                double[] expected = e.getValue().get(names.get(c));
                List<Group> groups = d.groups();
                for (int r = 0; r < groups.size(); r++) {
                    double actual = groups.get(r).x()[c];
                    assertEquals(expected[r], actual, 1e-12 * Math.max(1, Math.abs(expected[r])),
                            formula + ", column " + names.get(c) + ", row " + (r + 1));
                }
            }
        }
    }

    @Test
    void polyColumnsAreOrthonormalAndScaleIsStandardised() {
        ModelData d = ModelCompiler.compile(RCsv.table("covariates.csv"), "y ~ 0 + poly(x, 3) + scale(t)",
                CompileOptions.none()).data();
        int n = d.groupCount();
        double[][] cross = new double[4][4];
        double[] sums = new double[4];
        for (Group g : d.groups()) {
            for (int a = 0; a < 4; a++) {
                sums[a] += g.x()[a];
                for (int b = 0; b < 4; b++) {
                    cross[a][b] += g.x()[a] * g.x()[b];
                }
            }
        }
        for (int a = 0; a < 3; a++) {
            assertEquals(0, sums[a], 1e-13);
            for (int b = 0; b < 3; b++) {
                assertEquals(a == b ? 1 : 0, cross[a][b], 1e-13);
            }
        }
        assertEquals(0, sums[3], 1e-12);
        assertEquals(n - 1, cross[3][3], 1e-12);
        assertTrue(d.fixedNames().contains("poly(x, 3)3"));
    }
}
