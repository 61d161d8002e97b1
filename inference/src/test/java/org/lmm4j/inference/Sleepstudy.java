package org.lmm4j.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.structures.DiagonalStructure;
import org.lmm4j.structures.FreeStructure;
import org.lmm4j.structures.ScalarStructure;

/**
 * lme4's sleepstudy data (180 rows: Reaction, Days, Subject) and the figures R computed from it
 * ({@code sleepstudy/reference.R} beside this class's resources writes both).
 */
final class Sleepstudy {

    static final String SLOPE = "Reaction ~ Days + (Days | Subject)";
    static final String INTERCEPT = "Reaction ~ Days + (1 | Subject)";

    private Sleepstudy() {
    }

    /** The table, read from the committed CSV (plain comma-separated, no quotes). */
    static DataTable table() {
        String text = resource("sleepstudy.csv");
        String[] lines = text.strip().split("\\R");
        String[] header = lines[0].split(",");
        List<String[]> columns = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            columns.add(new String[lines.length - 1]);
        }
        for (int r = 1; r < lines.length; r++) {
            String[] cells = lines[r].split(",");
            for (int c = 0; c < header.length; c++) {
                columns.get(c)[r - 1] = cells[c];
            }
        }
        return new DataTable("sleepstudy.csv", List.of(header), columns);
    }

    /** A model of the sleepstudy data with Σ = σ²I. */
    static MixedModel model(String formula, Method method) {
        var compiled = ModelCompiler.compile(table(), formula, CompileOptions.none());
        var omega = compiled.omegaStructure() == null ? null
                : compiled.omegaStructure().equals("free") ? new FreeStructure() : new DiagonalStructure();
        return new MixedModel(compiled.data(), new ScalarStructure(), omega, method);
    }

    /** R's figures. */
    static Properties reference() {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(resource("reference.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static double figure(String key) {
        String v = reference().getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no reference figure " + key);
        }
        return Double.parseDouble(v);
    }

    private static String resource(String name) {
        try (InputStream in = Sleepstudy.class.getResourceAsStream("/sleepstudy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource sleepstudy/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
