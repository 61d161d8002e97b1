package org.lmm4j.app.output;

import java.util.List;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.IterationRecord;
import org.lmm4j.api.Method;
import org.lmm4j.inference.FixedEffectTest;

/**
 * A {@link FitResult} as a text summary in the spirit of lme4's {@code summary()}: the model, how the
 * fit ended and why, the paper's deviance Δ = Σ_i [log det V_i + r_i'V_i⁻¹r_i] beside −2 log L = Δ + N log 2π
 * (REML: Δ_R and −2 log L_R), log L, AIC, BIC, the data sizes, the fixed effects with standard errors
 * and t values, Ω as variances, standard deviations and correlations, Σ by occasion (σ² alone when
 * Σ = σ²I), the work done and the warnings. Every column is as wide as its content ({@link TextTable}).
 */
public final class FitText {

    private FitText() {
    }

    /** The full summary, ending with a newline. */
    public static String format(FitResult r, FitContext context) {
        return format(r, context, null);
    }

    /**
     * The full summary with the fixed effects' t tests (df, t, p as lmerTest prints them), ending with a newline.
     *
     * @param tests the tests of the fixed effects, in their order, or null for estimates, standard errors and t only
     */
    public static String format(FitResult r, FitContext context, List<FixedEffectTest> tests) {
        FitContext c = context == null ? new FitContext(null, null, null, 0, List.of()) : context;
        StringBuilder s = new StringBuilder();
        boolean reml = r.method() == Method.REML;
        s.append("Linear mixed model fit by ")
                .append(reml ? "REML" : "maximum likelihood (ML)")
                .append(", estimator ").append(r.estimator()).append('\n');
        if (c.formula() != null) {
            s.append(" Formula: ").append(c.formula()).append('\n');
        }
        if (c.data() != null) {
            s.append("    Data: ").append(c.data()).append('\n');
        }
        s.append("  Status: ").append(r.status());
        if (!r.reason().isEmpty()) {
            s.append(" (").append(r.reason()).append(')');
        }
        s.append("\n\n");

        String[] head = {reml ? "REML crit" : "deviance", reml ? "-2 logLik_R" : "-2 logLik", "logLik", "AIC", "BIC", "params"};
        String[] vals = {Numbers.fixed(r.criterion(), 4), Numbers.fixed(r.minus2LogLik(), 4), Numbers.fixed(r.logLik(), 4),
            Numbers.fixed(r.aic(), 4), Numbers.fixed(r.bic(), 4), Integer.toString(r.parameters())};
        int[] widths = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            widths[i] = TextTable.width(13, List.of(head[i], vals[i]));
            s.append(TextTable.right(head[i], widths[i]));
        }
        s.append('\n');
        for (int i = 0; i < vals.length; i++) {
            s.append(TextTable.right(vals[i], widths[i]));
        }
        s.append('\n');
        s.append(reml
                ? "(REML criterion Δ_R = Δ_p + log det Σ X_i'V_i⁻¹X_i; -2 logLik_R = Δ_R + (N - p) log 2π)\n"
                : "(deviance is the paper's Δ = Σ_i [log det V_i + r_i'V_i⁻¹r_i]; -2 logLik = Δ + N log 2π)\n");
        s.append('\n');

        s.append("Observations: ").append(r.observations())
                .append(", groups").append(c.grouping() == null ? "" : " (" + c.grouping() + ")").append(": ").append(r.groups())
                .append(", rows dropped for missing values: ").append(c.droppedRows()).append('\n');
        for (String note : c.notes()) {
            s.append("Note: ").append(note).append('\n');
        }
        s.append('\n');

        if (c.terms() != null && r.omega() != null) {
            varCorr(s, r, RandomTerms.of(r, c.terms()));
            s.append('\n');
        } else if (r.omega() != null) {
            s.append("Random effects, Ω (").append(r.provenance().getOrDefault("randomEffects", "?")).append("):\n");
            covarianceTable(s, "Name", r.randomNames(), r.omega());
            s.append('\n');
        }
        String residual = r.provenance().getOrDefault("residual", "?");
        boolean residualRow = c.terms() != null && r.omega() != null && CovarianceReport.isScalar(r.sigma())
                && r.sigma().length > 0; // σ² is the last row of the terms' table, as lme4 prints it
        if (!residualRow && CovarianceReport.isScalar(r.sigma())) {
            double v = r.sigma().length == 0 ? Double.NaN : r.sigma()[0][0];
            s.append("Residual, Σ = σ²I (").append(residual).append("): σ² = ").append(Numbers.significant(v, 5))
                    .append(", σ = ").append(Numbers.significant(Math.sqrt(v), 5)).append("\n\n");
        } else if (!residualRow) {
            s.append("Residual covariance Σ (").append(residual).append(") by occasion:\n");
            covarianceTable(s, "Occasion", r.occasionLabels(), r.sigma());
            s.append('\n');
        }

        s.append("Fixed effects:\n");
        int w = width("", r.fixedNames());
        int p = r.fixedNames().size();
        List<String> estimates = new java.util.ArrayList<>(List.of("Estimate"));
        List<String> errors = new java.util.ArrayList<>(List.of("Std. Error"));
        List<String> dfs = new java.util.ArrayList<>(List.of("df"));
        List<String> ts = new java.util.ArrayList<>(List.of("t value"));
        List<String> ps = new java.util.ArrayList<>(List.of("Pr(>|t|)"));
        for (int i = 0; i < p; i++) {
            double b = r.fixedEffects()[i];
            double se = r.standardErrors()[i];
            estimates.add(Numbers.significant(b, 6));
            errors.add(Numbers.significant(se, 5));
            ts.add(Numbers.fixed(b / se, 2));
            if (tests != null) {
                dfs.add(Numbers.fixed(tests.get(i).df(), 2));
                ps.add(Numbers.significant(tests.get(i).p(), 3));
            }
        }
        int we = TextTable.width(13, estimates);
        int ws = TextTable.width(13, errors);
        int wd = TextTable.width(10, dfs);
        int wt = TextTable.width(10, ts);
        int wp = TextTable.width(12, ps);
        for (int i = 0; i <= p; i++) {
            s.append(pad(i == 0 ? "" : r.fixedNames().get(i - 1), w)).append(TextTable.right(estimates.get(i), we))
                    .append(TextTable.right(errors.get(i), ws))
                    .append(tests == null ? "" : TextTable.right(dfs.get(i), wd))
                    .append(TextTable.right(ts.get(i), wt))
                    .append(tests == null ? "" : TextTable.right(ps.get(i), wp)).append('\n');
        }
        if (tests != null) {
            s.append("(df by Satterthwaite's method, as lmerTest)\n");
        }
        s.append('\n');

        s.append("Iterations: ").append(r.iterations())
                .append(r.finishIterations() > 0 ? " + " + r.finishIterations() + " finishing Newton steps" : "")
                .append(", deviance evaluations: ").append(r.evaluations())
                .append(", time: ").append(Numbers.fixed(r.elapsedMillis(), 1)).append(" ms");
        List<IterationRecord> trace = r.trace();
        if (!trace.isEmpty() && Double.isFinite(trace.get(trace.size() - 1).gradientNorm())) {
            s.append(", final gradient norm: ").append(Numbers.significant(trace.get(trace.size() - 1).gradientNorm(), 3));
        }
        s.append('\n');
        if (r.singular()) {
            s.append("Boundary (singular) fit: a variance is at zero or a correlation at ±1.\n");
        }
        if (!r.warnings().isEmpty()) {
            s.append("Warnings:\n");
            for (String warning : r.warnings()) {
                s.append("  - ").append(warning).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * Several random terms as lme4's {@code print(VarCorr(m))}: Groups, Name, Variance, Std.Dev., Corr (each row's
     * correlations with the earlier rows of its term), the terms by decreasing number of levels, then the Residual row
     * (Σ = σ²I), and lme4's "Number of obs: N, groups: g, n; ..." line.
     */
    static void varCorr(StringBuilder s, FitResult r, RandomTerms terms) {
        List<String> structures = new java.util.ArrayList<>();
        for (RandomTerms.Term t : terms.terms()) {
            structures.add(t.label() + " " + t.structure());
        }
        s.append("Random effects (Ω by term: ").append(String.join(", ", structures)).append("):\n");
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"Groups", "Name", "Variance", "Std.Dev.", "Corr"});
        for (RandomTerms.Term t : terms.byLevels()) {
            double[][] m = t.omega();
            double[][] cor = CovarianceReport.correlations(m);
            for (int j = 0; j < m.length; j++) {
                StringBuilder corr = new StringBuilder();
                for (int k = 0; k < j; k++) {
                    corr.append(k == 0 ? "" : " ").append(Numbers.fixed(cor[j][k], 2));
                }
                rows.add(new String[] {j == 0 ? t.label() : "", t.names().get(j), Numbers.significant(m[j][j], 5),
                    Numbers.significant(Math.sqrt(m[j][j]), 5), corr.toString()});
            }
        }
        if (CovarianceReport.isScalar(r.sigma()) && r.sigma().length > 0) {
            double v = r.sigma()[0][0];
            rows.add(new String[] {"Residual", "", Numbers.significant(v, 5), Numbers.significant(Math.sqrt(v), 5), ""});
        }
        int[] w = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < 5; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < 5; i++) {
                line.append(pad(row[i], w[i] + 1));
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }
        s.append("Number of obs: ").append(r.observations()).append(", groups: ").append(terms.groupCounts())
                .append('\n');
    }

    /** Rows: label, variance, SD, then the correlations with the earlier rows (lower triangle), as lme4 prints them. */
    static void covarianceTable(StringBuilder s, String title, List<String> labels, double[][] m) {
        double[][] r = CovarianceReport.correlations(m);
        int w = width(title, labels);
        List<String> variances = new java.util.ArrayList<>();
        List<String> sds = new java.util.ArrayList<>();
        for (int j = 0; j < m.length; j++) {
            variances.add(Numbers.significant(m[j][j], 5));
            sds.add(Numbers.significant(Math.sqrt(m[j][j]), 5));
        }
        int wv = TextTable.width(12, variances);
        int wd = TextTable.width(12, sds);
        s.append(' ').append(pad(title, w)).append(TextTable.right("Variance", wv)).append(TextTable.right("Std.Dev.", wd));
        if (m.length > 1) {
            s.append("  Corr");
        }
        s.append('\n');
        for (int j = 0; j < m.length; j++) {
            String label = j < labels.size() ? labels.get(j) : Integer.toString(j + 1);
            s.append(' ').append(pad(label, w)).append(TextTable.right(variances.get(j), wv))
                    .append(TextTable.right(sds.get(j), wd));
            if (j > 0) {
                s.append(' ');
            }
            for (int k = 0; k < j; k++) {
                s.append(String.format("%8s", Numbers.fixed(r[j][k], 3)));
            }
            s.append('\n');
        }
    }

    private static int width(String title, List<String> labels) {
        int w = title.length();
        for (String l : labels) {
            w = Math.max(w, l.length());
        }
        return w + 2;
    }

    private static String pad(String x, int w) {
        StringBuilder b = new StringBuilder(x);
        while (b.length() < w) {
            b.append(' ');
        }
        return b.toString();
    }
}
