package org.lmm4j.app.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.ModelFactory;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.OutputFormat;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.io.CsvTableReader;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.app.output.Numbers;
import org.lmm4j.data.DataTable;
import org.lmm4j.api.FitOptions;
import org.lmm4j.inference.AnovaRow;
import org.lmm4j.inference.AnovaTable;
import org.lmm4j.inference.LikelihoodRatioTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j anova}: likelihood-ratio tests between nested models, given as several formulas on one data file
 * (lme4's {@code anova(m0, m1)}) or as one formula with several Σ structures (nlme's {@code anova(gls1, gls2)}):
 * npar, AIC, BIC, logLik, deviance, χ², df and p, every model fitted by ML.
 */
@Command(name = "anova", mixinStandardHelpOptions = true,
        description = {"Likelihood-ratio tests between nested models (every model fitted by ML)."},
        footer = {"", "Examples:",
            "  lmm4j anova --data sleepstudy.csv --formula \"Reaction ~ Days + (1 | Subject)\" \\",
            "              --formula \"Reaction ~ Days + (Days | Subject)\"",
            "  lmm4j anova --formula \"distance ~ Sex*age\" --group Subject --time age --residual scalar,cs,toeplitz"})
public final class AnovaCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "FILE", description = "Long-format CSV file; default the bundled dental data.")
    String data;

    @Option(names = "--formula", paramLabel = "FORMULA", description = "A model formula; give it once per model.")
    List<String> formulas = new ArrayList<>();

    @Option(names = "--residual", paramLabel = "S1,S2,...", split = ",", defaultValue = ModelFactory.DEFAULT_RESIDUAL,
            description = "Σ structure(s); several, comma-separated, compare Σ structures. Default: ${DEFAULT-VALUE}.")
    List<String> residuals;

    @Option(names = "--time", paramLabel = "COLUMN", description = "Column whose values are the occasions of a structured Σ.")
    String time;

    @Option(names = "--group", paramLabel = "COLUMN", description = "Grouping column of a model without a random term.")
    String group;

    @Option(names = "--method", paramLabel = "ML|REML", defaultValue = "ML",
            description = "How the models are fitted; REML fits are refitted by ML for the test. Default: ${DEFAULT-VALUE}.")
    Method method;

    @Option(names = "--estimator", paramLabel = "NAME", defaultValue = ModelOptions.DEFAULT_ESTIMATOR,
            description = "Estimator. Default: ${DEFAULT-VALUE}.")
    String estimator;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    AnovaCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() {
        boolean bundled = data == null || data.equals(BundledData.DENTAL);
        DataTable table = bundled ? BundledData.dental() : CsvTableReader.read(Path.of(data));
        List<String> fs = formulas.isEmpty() && bundled ? List.of(ModelOptions.DENTAL_FORMULA) : formulas;
        if (fs.isEmpty()) {
            throw new InputException("--formula is required with --data " + data);
        }
        if (fs.size() < 2 && residuals.size() < 2) {
            throw new InputException("anova compares models: give --formula twice or more, or several --residual structures");
        }
        List<String> labels = new ArrayList<>();
        List<MixedModel> models = new ArrayList<>();
        for (String f : fs) {
            for (String r : residuals) {
                models.add(ModelFactory.build(table, f, r.trim(), time, group, method, plugins));
                labels.add(residuals.size() > 1 ? f + " [" + r.trim() + "]" : f);
            }
        }
        AnovaTable t = LikelihoodRatioTest.compare(labels, models, plugins.estimator(estimator), FitOptions.defaults());
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(FitJson.write(json(t)));
        } else {
            out.print(text(t));
        }
        out.flush();
        return 0;
    }

    static ObjectNode json(AnovaTable t) {
        ObjectNode o = FitJson.object();
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (AnovaRow r : t.rows()) {
            ObjectNode m = rows.addObject();
            m.put("formula", r.label());
            m.put("npar", r.npar());
            FitJson.number(m, "aic", r.aic());
            FitJson.number(m, "bic", r.bic());
            FitJson.number(m, "logLik", r.logLik());
            FitJson.number(m, "deviance", r.deviance());
            for (String[] k : new String[][] {{"chisq"}, {"df"}, {"p"}}) {
                double v = k[0].equals("chisq") ? r.chisq() : k[0].equals("df") ? r.df() : r.p();
                if (Double.isNaN(v)) {
                    m.putNull(k[0]);
                } else {
                    FitJson.number(m, k[0], v);
                }
            }
        }
        o.set("models", rows);
        o.set("notes", FitJson.strings(t.notes()));
        return o;
    }

    static String text(AnovaTable t) {
        StringBuilder s = new StringBuilder("Likelihood-ratio tests (models fitted by ML)\n");
        for (int i = 0; i < t.rows().size(); i++) {
            s.append("m").append(i).append(": ").append(t.rows().get(i).label()).append('\n');
        }
        s.append(String.format("%n%-5s%6s%12s%12s%12s%12s%10s%5s%12s%n", "", "npar", "AIC", "BIC", "logLik", "deviance",
                "Chisq", "Df", "Pr(>Chisq)"));
        for (int i = 0; i < t.rows().size(); i++) {
            AnovaRow r = t.rows().get(i);
            boolean first = Double.isNaN(r.chisq());
            s.append(String.format("%-5s%6d%12s%12s%12s%12s%10s%5s%12s%n", "m" + i, r.npar(), Numbers.fixed(r.aic(), 2),
                    Numbers.fixed(r.bic(), 2), Numbers.fixed(r.logLik(), 2), Numbers.fixed(r.deviance(), 2),
                    first ? "" : Numbers.fixed(r.chisq(), 4), first ? "" : Integer.toString((int) r.df()),
                    first ? "" : Numbers.significant(r.p(), 4)));
        }
        for (String n : t.notes()) {
            s.append("Note: ").append(n).append('\n');
        }
        return s.toString();
    }
}
