package org.lmm4j.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * Test fixture: {@link ModelFrame}s built by hand (docs/DESIGN.md §1), without the formula compiler, from a plain
 * comma-separated test resource (a split on commas, enough for the well-formed files written by the R scripts).
 */
public final class HandFrames {

    private HandFrames() {
    }

    /** A table of text cells by column name. */
    public record Table(List<String> names, List<String[]> rows) {

        /** The cells of a column. */
        public String[] column(String name) {
            int c = names.indexOf(name);
            if (c < 0) {
                throw new IllegalArgumentException("no column " + name + " in " + names);
            }
            String[] out = new String[rows.size()];
            for (int r = 0; r < out.length; r++) {
                out[r] = rows.get(r)[c];
            }
            return out;
        }

        /** A numeric column. */
        public double[] numbers(String name) {
            return Arrays.stream(column(name)).mapToDouble(Double::parseDouble).toArray();
        }

        /** The number of rows. */
        public int size() {
            return rows.size();
        }
    }

    /** Reads a CSV test resource (header line, then rows). */
    public static Table read(String resource) {
        try (InputStream in = HandFrames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> names = List.of(reader.readLine().split(","));
            List<String[]> rows = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(line.split(",", -1));
                }
            }
            return new Table(names, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A random term: the level of row j is {@code levelKeys[j]} (levels in order of first appearance), its design row
     * the j-th entries of {@code columns}.
     */
    public static RandomEffectsTerm term(String group, List<String> factors, String[] levelKeys,
                                         List<String> columnNames, double[][] columns, String structure) {
        int n = levelKeys.length;
        Map<String, Integer> codes = new LinkedHashMap<>();
        int[] levelOfRow = new int[n];
        for (int j = 0; j < n; j++) {
            levelOfRow[j] = codes.computeIfAbsent(levelKeys[j], k -> codes.size());
        }
        int q = columns.length;
        double[] z = new double[n * q];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < q; a++) {
                z[j * q + a] = columns[a][j];
            }
        }
        return new RandomEffectsTerm(group, factors, new ArrayList<>(codes.keySet()), levelOfRow, columnNames, z,
                structure);
    }

    /** The level keys of an interaction {@code inner:outer} (lme4's labels, {@code a:A}). */
    public static String[] interaction(String[] inner, String[] outer) {
        String[] out = new String[inner.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = inner[j] + ":" + outer[j];
        }
        return out;
    }

    /** A column of n ones. */
    public static double[] ones(int n) {
        double[] out = new double[n];
        Arrays.fill(out, 1);
        return out;
    }

    /** A frame from its columns (X by columns), all rows at one occasion. */
    public static ModelFrame frame(double[] y, List<String> fixedNames, double[][] xColumns, String response,
                                   List<RandomEffectsTerm> terms) {
        return frame(y, fixedNames, xColumns, response, terms, new int[y.length], List.of("1"));
    }

    /** A frame from its columns (X by columns), with the occasions of a structured Σ. */
    public static ModelFrame frame(double[] y, List<String> fixedNames, double[][] xColumns, String response,
                                   List<RandomEffectsTerm> terms, int[] occasion, List<String> occasionLabels) {
        int n = y.length;
        int p = xColumns.length;
        double[] x = new double[n * p];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < p; a++) {
                x[j * p + a] = xColumns[a][j];
            }
        }
        return new ModelFrame(y, x, fixedNames, response, terms, occasion, occasionLabels, 0, List.of());
    }

    /**
     * Reference figures written by an R script as {@code key=value} lines ({@code #} comments), split at the last '='
     * (the keys hold ':' and parentheses, which {@link java.util.Properties} would misread).
     */
    public static Map<String, Double> figures(String resource) {
        try (InputStream in = HandFrames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            Map<String, Double> out = new java.util.HashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.lastIndexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    out.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).strip()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
