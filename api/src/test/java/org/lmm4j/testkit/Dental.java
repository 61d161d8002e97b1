package org.lmm4j.testkit;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.ModelData;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.formula.ModelCompiler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: the dental (Orthodont) data of Potthoff and Roy analysed in the paper — distance from the
 * pituitary to the pterygomaxillary fissure of 27 children (16 boys, 11 girls) at ages 8, 10, 12 and 14 — read
 * from the test resource {@code orthodont.csv} (columns distance, age, Subject, Sex) into a {@link DataTable}.
 * The reader is a plain split on commas with quotes stripped, enough for this one well-formed file.
 */
public final class Dental {

    /** The name the table reports as its source (for error messages). */
    public static final String SOURCE = "orthodont.csv";

    private Dental() {
    }

    /** The 108 rows of the dental data, a fresh table on every call. */
    public static DataTable table() {
        try (InputStream in = Dental.class.getResourceAsStream("/orthodont.csv")) {
            if (in == null) {
                throw new IllegalStateException("test resource /orthodont.csv is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> names = split(reader.readLine());
            List<List<String>> cells = new ArrayList<>();
            for (int c = 0; c < names.size(); c++) {
                cells.add(new ArrayList<>());
            }
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> row = split(line);
                for (int c = 0; c < names.size(); c++) {
                    String v = c < row.size() ? row.get(c) : null;
                    cells.get(c).add(v == null || v.isEmpty() || v.equals("NA") ? null : v);
                }
            }
            List<String[]> columns = new ArrayList<>();
            for (List<String> c : cells) {
                columns.add(c.toArray(new String[0]));
            }
            return new DataTable(SOURCE, names, columns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dental data compiled with a formula, e.g. {@code distance ~ Sex*age + (age | Subject)}. */
    public static CompiledModel compile(String formula, CompileOptions options) {
        return ModelCompiler.compile(table(), formula, options);
    }

    /** The dental data compiled with a formula, no time column, grouping from the random term. */
    public static CompiledModel compile(String formula) {
        return compile(formula, CompileOptions.none());
    }

    /** Table 1's mean structure "equal": one line for everybody. */
    public static final String EQUAL = "distance ~ age";
    /** Table 1's mean structure "gender": one line for boys, one for girls. */
    public static final String GENDER = "distance ~ Sex*age";
    /** Table 1's mean structure "free": a line for every child. */
    public static final String FREE = "distance ~ 0 + Subject + Subject:age";
    /** Appended to a mean formula: Table 1's random row (random intercept and slope, Ω free). */
    public static final String RANDOM = " + (age | Subject)";

    /**
     * The paper's model for a formula: Σ of the named structure over the ages (occasions), groups the
     * subjects, Ω as the formula's random term asks; structures found on the test class path by name.
     */
    public static MixedModel model(String formula, String sigma, Method method) {
        return model(compile(formula, new CompileOptions("age", "Subject")).data(), formula, sigma, method);
    }

    /** The same for already compiled (e.g. thinned) dental data. */
    public static MixedModel model(ModelData data, String formula, String sigma, Method method) {
        CovarianceStructure omega = data.q() == 0 ? null
                : Discovered.structure(formula.contains("||") ? "diagonal" : "free");
        return new MixedModel(data, Discovered.structure(sigma), omega, method);
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split(",", -1)) {
            String s = f.strip();
            if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
                s = s.substring(1, s.length() - 1);
            }
            out.add(s);
        }
        return out;
    }
}
