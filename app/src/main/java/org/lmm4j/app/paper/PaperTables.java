package org.lmm4j.app.paper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lmm4j.api.FitStatus;

/**
 * The paper's tables as text: Table 1 (rows scalar, diagonal, free, random; columns equal, gender,
 * free; cells "Δ (parameters)"), its footnote on the random/free cell, Table 2 (correlations below
 * the diagonal, variances underneath) and the estimators' agreement — in plain text for the terminal
 * and in Markdown for the report.
 */
final class PaperTables {

    /** Marks the random/free cell and its footnote. */
    static final String DAGGER = "†";

    private PaperTables() {
    }

    /** The label of a cell, with the dagger on a confounded one. */
    static String cellText(Table1Cell c) {
        return c.display() + (c.confounded() ? DAGGER : "");
    }

    /** Table 1 in plain text, aligned. */
    static List<String> table1Text(PaperResults r) {
        List<String> out = new ArrayList<>();
        out.add("Table 1. Mixed Model Fit (minimum deviance Δ, ML; number of parameters)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", ""));
        for (PaperMean m : PaperMean.values()) {
            head.append(String.format(Locale.ROOT, "%19s", m.label()));
        }
        out.add(head.toString());
        for (PaperSigma s : PaperSigma.values()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s", s.label()));
            for (PaperMean m : PaperMean.values()) {
                row.append(String.format(Locale.ROOT, "%19s", cellText(r.cell(m, s))));
            }
            out.add(row.toString());
        }
        return out;
    }

    /** Table 1 in Markdown. */
    static List<String> table1Markdown(PaperResults r) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder("| Σ \\ mean |");
        StringBuilder rule = new StringBuilder("|---|");
        for (PaperMean m : PaperMean.values()) {
            head.append(' ').append(m.label()).append(" |");
            rule.append("---:|");
        }
        out.add(head.toString());
        out.add(rule.toString());
        for (PaperSigma s : PaperSigma.values()) {
            StringBuilder row = new StringBuilder("| ").append(s.label()).append(" |");
            for (PaperMean m : PaperMean.values()) {
                row.append(' ').append(cellText(r.cell(m, s))).append(" |");
            }
            out.add(row.toString());
        }
        return out;
    }

    /** The footnotes of the confounded cells (the random/free cell), one paragraph each. */
    static List<String> footnotes(PaperResults r) {
        List<String> out = new ArrayList<>();
        for (Table1Cell c : r.cells()) {
            if (c.confounded()) {
                out.add(footnote(c));
            }
        }
        return out;
    }

    /** Why the random/free cell is −∞ in the paper, and its value under a positive semi-definite Ω. */
    static String footnote(Table1Cell c) {
        StringBuilder s = new StringBuilder(DAGGER).append(' ').append(c.sigma().label()).append('/')
                .append(c.mean().label()).append(": the random intercept and slope of each child lie in the span of")
                .append(" the child's own fixed line, so Ω is not identified. In the paper's reading Ω need only keep")
                .append(" V = ZΩZ' + σ²I positive definite; Ω can then turn indefinite and push V towards")
                .append(" singularity in that span at no cost in fit, so the likelihood is unbounded (Δ = −∞).");
        if (Double.isFinite(c.constrainedDeviance())) {
            s.append(" With Ω positive semi-definite (as lme4 and nlme require) the minimum is at the boundary Ω̂ = 0");
            double largest = c.reference() == null || c.reference().omega() == null ? 0 : maxAbs(c.reference().omega());
            if (largest > 0) {
                s.append(String.format(Locale.ROOT, " (largest |ω̂| = %.1e)", largest));
            }
            s.append(String.format(Locale.ROOT, ": Δ = %.4f, the deviance of the %s/scalar model.",
                    c.constrainedDeviance(), c.mean().label()));
        }
        List<String> unbounded = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (EstimatorOutcome o : c.unconstrained()) {
            if (o.status() == FitStatus.UNBOUNDED) {
                unbounded.add(o.estimator());
            } else {
                other.add(o.estimator() + " returned " + o.status()
                        + (o.finite() ? " at " + Table1Cell.formatDeviance(o.deviance()) : ""));
            }
        }
        if (!unbounded.isEmpty()) {
            s.append(" Fitted with Ω unconstrained, ").append(String.join(", ", unbounded))
                    .append(unbounded.size() == 1 ? " reports" : " report").append(" the likelihood unbounded.");
        }
        if (!other.isEmpty()) {
            s.append(" Asked to leave Ω unconstrained, ").append(String.join(", ", other))
                    .append(" (an estimator that cannot drop the constraint stays at the boundary).");
        }
        return s.toString();
    }

    /** One line per cell on whether the estimators agree; a summary line first. */
    static List<String> agreement(PaperResults r) {
        List<String> out = new ArrayList<>();
        long disagree = r.cells().stream().filter(c -> !c.agree()).count();
        if (r.estimators().size() == 1) {
            out.add("Fitted with one estimator: " + r.estimators().get(0) + ".");
        } else if (disagree == 0) {
            out.add("All " + r.estimators().size() + " estimators (" + String.join(", ", r.estimators())
                    + ") agree in all 12 cells (minimum deviances within "
                    + Table1Cell.AGREEMENT_TOLERANCE + ", or all unbounded).");
        } else {
            out.add("The estimators (" + String.join(", ", r.estimators()) + ") disagree in " + disagree
                    + " of 12 cells:");
        }
        for (Table1Cell c : r.cells()) {
            if (!c.agree()) {
                out.add("  " + c.mean().label() + "/" + c.sigma().label() + ": " + c.disagreement());
            } else if (c.status() == FitStatus.FAILED) {
                out.add("  " + c.mean().label() + "/" + c.sigma().label() + ": every fit failed");
            }
        }
        return out;
    }

    /** Table 2 in plain text: correlations (lower triangle) and variances, by age. */
    static List<String> table2Text(SigmaSummary t) {
        List<String> out = new ArrayList<>();
        out.add("Table 2. Σ from Gender/Free Model");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s", ""));
        for (String a : t.occasions()) {
            head.append(String.format(Locale.ROOT, "%8s", a));
        }
        out.add(head.toString());
        for (int i = 0; i < t.variances().length; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s", i == 0 ? "Correlations" : ""));
            for (int j = 0; j <= i; j++) {
                row.append(String.format(Locale.ROOT, "%8.2f", t.correlations()[i][j]));
            }
            out.add(row.toString());
        }
        StringBuilder v = new StringBuilder(String.format(Locale.ROOT, "%-14s", "Variances"));
        for (double x : t.variances()) {
            v.append(String.format(Locale.ROOT, "%8.2f", x));
        }
        out.add(v.toString());
        return out;
    }

    /** Table 2 in Markdown. */
    static List<String> table2Markdown(SigmaSummary t) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String a : t.occasions()) {
            head.append(' ').append(a).append(" |");
            rule.append("---:|");
        }
        out.add(head.toString());
        out.add(rule.toString());
        for (int i = 0; i < t.variances().length; i++) {
            StringBuilder row = new StringBuilder("| ").append(i == 0 ? "Correlations" : "").append(" |");
            for (int j = 0; j < t.variances().length; j++) {
                row.append(j <= i ? String.format(Locale.ROOT, " %.2f |", t.correlations()[i][j]) : " |");
            }
            out.add(row.toString());
        }
        StringBuilder v = new StringBuilder("| Variances |");
        for (double x : t.variances()) {
            v.append(String.format(Locale.ROOT, " %.2f |", x));
        }
        out.add(v.toString());
        return out;
    }

    /** The two residual variances the paper quotes. */
    static List<String> variances(PaperResults r) {
        return List.of(
                String.format(Locale.ROOT, "σ̂² free/scalar model:   %.4f", r.sigma2FreeScalar()),
                String.format(Locale.ROOT, "σ̂² gender/random model: %.4f", r.sigma2RandomGender()));
    }

    /** Named coefficients as "name = value" pieces. */
    static String coefficients(Map<String, Double> named) {
        List<String> parts = new ArrayList<>();
        named.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s = %.5f", k, v)));
        return String.join(", ", parts);
    }

    private static double maxAbs(double[][] a) {
        double m = 0;
        for (double[] row : a) {
            for (double v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }
}
