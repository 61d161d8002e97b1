package org.lmm4j.app.paper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lmm4j.app.output.OutputFiles;

/**
 * {@code report.md}: the whole analysis on one page — Table 1 laid out as in the paper with the
 * footnote on the random/free cell, the estimators' agreement, Table 2, the residual variances, the
 * fixed effects, Ω̂ and the BLUPs of the gender/random model, and Figures 1–3 embedded.
 */
public final class PaperReport {

    /** The report's file name in the output directory. */
    public static final String FILE = "report.md";

    private PaperReport() {
    }

    /** Writes the report next to the figures, atomically ({@link OutputFiles}); returns its path. */
    public static Path write(PaperResults r, List<Path> figures, Path dir) {
        return OutputFiles.writeText(dir.resolve(FILE), String.join("\n", lines(r, figures)) + "\n");
    }

    /** The report's Markdown lines. */
    static List<String> lines(PaperResults r, List<Path> figures) {
        List<String> out = new ArrayList<>();
        out.add("# Mixed Linear Models: the dental data, recomputed");
        out.add("");
        out.add("The analysis of Jan de Leeuw's \"Mixed Linear Models\" on the Potthoff–Roy dental data (27 children, "
                + "distance in mm at ages 8, 10, 12 and 14), fitted by maximum likelihood with "
                + String.join(", ", r.estimators()) + ". Deviances are the paper's "
                + "Δ = Σ_i [log det V_i + r_i'V_i⁻¹r_i] (−2 log L = Δ + N log 2π).");
        out.add("");
        out.add("## Table 1. Mixed Model Fit");
        out.add("");
        out.add("Minimum deviance Δ and, in brackets, the number of free parameters. Columns: the regression "
                + "coefficients equal for everybody, by gender, or free (a line per child). Rows: Σ scalar, diagonal "
                + "or free, or the random-coefficient model with Σ = σ²I and Ω free.");
        out.add("");
        out.addAll(PaperTables.table1Markdown(r));
        out.add("");
        for (String f : PaperTables.footnotes(r)) {
            out.add(f);
            out.add("");
        }
        out.add("### Agreement of the estimators");
        out.add("");
        for (String a : PaperTables.agreement(r)) {
            out.add(a.startsWith("  ") ? "- " + a.strip() : a);
        }
        out.add("");
        out.add("| model | " + String.join(" | ", r.estimators()) + " |");
        out.add("|---|" + "---:|".repeat(r.estimators().size()));
        for (Table1Cell c : r.cells()) {
            StringBuilder row = new StringBuilder("| " + c.mean().label() + "/" + c.sigma().label()
                    + (c.confounded() ? " (Ω positive semi-definite)" : "") + " |");
            for (String e : r.estimators()) {
                row.append(' ').append(outcome(c, e)).append(" |");
            }
            out.add(row.toString());
        }
        out.add("");
        out.add("## Table 2. Σ from Gender/Free Model");
        out.add("");
        out.addAll(PaperTables.table2Markdown(r.table2()));
        out.add("");
        out.add("## Residual variances");
        out.add("");
        for (String v : PaperTables.variances(r)) {
            out.add("- " + v);
        }
        out.add("");
        out.add("## Fixed effects");
        out.add("");
        out.add("- gender/free: " + PaperTables.coefficients(r.fixedGenderFree()));
        out.add("- gender/random: " + PaperTables.coefficients(r.fixedGenderRandom()));
        out.add("- Ω̂ of the gender/random model (intercept, slope; age in years): " + matrix(r.omegaRandomGender()));
        out.add("");
        out.add("## BLUPs of the gender/random model");
        out.add("");
        out.add("E(B|Y) = B̃ + b̂_i with b̂_i = Ω̂Z_i'V̂_i⁻¹(y_i − X_iβ̂): the gender line plus each child's "
                + "predicted deviation (the growth curves of Figure 3).");
        out.add("");
        out.add("| child | " + String.join(" | ", r.randomNames().stream().map(n -> "b̂ " + n).toList())
                + " | intercept | slope |");
        out.add("|---|" + "---:|".repeat(r.randomNames().size() + 2));
        int k = 0;
        for (Map.Entry<String, double[]> e : r.blups().entrySet()) {
            GrowthLine l = r.figure3().get(k++);
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (double b : e.getValue()) {
                row.append(String.format(Locale.ROOT, " %.4f |", b));
            }
            row.append(String.format(Locale.ROOT, " %.4f | %.4f |", l.intercept(), l.slope()));
            out.add(row.toString());
        }
        out.add("");
        out.add("## Figures");
        out.add("");
        String[] captions = {
            "Figure 1. Growth Curves for the Free/Scalar Model (least-squares line of every child)",
            "Figure 2. Growth Curves for the Gender/Free Model (the regression line for boys is higher and steeper)",
            "Figure 3. Growth Curves for the Mixed Gender Model (BLUPs, shrunk toward the gender lines)"};
        int n = 0;
        for (Path p : figures) {
            String name = p.getFileName().toString();
            if (name.endsWith(".png") && n < captions.length) {
                out.add("![Figure " + (n + 1) + "](" + name + ")");
                out.add("");
                out.add("*" + captions[n] + ". Boys solid, girls dashed; SVG: ["
                        + name.replace(".png", ".svg") + "](" + name.replace(".png", ".svg") + ").*");
                out.add("");
                n++;
            }
        }
        return out;
    }

    private static String outcome(Table1Cell c, String estimator) {
        for (EstimatorOutcome o : c.outcomes()) {
            if (o.estimator().equals(estimator)) {
                String v = o.status() == org.lmm4j.api.FitStatus.UNBOUNDED ? "−∞"
                        : o.finite() ? String.format(Locale.ROOT, "%.4f", o.deviance()) : "–";
                return o.status() == org.lmm4j.api.FitStatus.CONVERGED || o.status() == org.lmm4j.api.FitStatus.UNBOUNDED
                        ? v : v + " (" + o.status() + ")";
            }
        }
        return "";
    }

    private static String matrix(double[][] m) {
        List<String> rows = new ArrayList<>();
        for (double[] row : m) {
            List<String> cells = new ArrayList<>();
            for (double v : row) {
                cells.add(String.format(Locale.ROOT, "%.5g", v));
            }
            rows.add("[" + String.join(", ", cells) + "]");
        }
        return "[" + String.join(", ", rows) + "]";
    }
}
