package org.lmm4j.app.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.ModelFactory;
import org.lmm4j.app.Plugins;
import org.lmm4j.data.DataTable;
import org.lmm4j.likelihood.Diagnostics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis of de Leeuw's "Mixed Linear Models" on the Potthoff–Roy dental data, computed and
 * never printed: Table 1's twelve minimum deviances Δ (ML) fitted by every chosen estimator, Table 2
 * (Σ̂ of the gender/free model), σ̂² of the free/scalar and gender/random models, the BLUPs
 * E(B|Y) of the gender/random model (b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ̂), from the fit) and the growth
 * curves of Figures 1–3.
 *
 * <p>The random/free cell is special: the random intercept and slope lie in the span of each child's
 * own fixed line ({@link Diagnostics#randomEffectsConfounded}), so Ω is not identified. The fits keep
 * Ω positive semi-definite and find the boundary Ω̂ = 0; the cell shows the paper's −∞ (Ω need only
 * keep V positive definite) with that constrained value beside it. Estimators that can drop the
 * constraint ({@code FitOptions.constrainPsd = false}) are asked too, and their verdict is recorded.
 */
public final class PaperAnalysis {

    private static final Logger LOG = LoggerFactory.getLogger(PaperAnalysis.class);

    /** The response of the dental data. */
    static final String RESPONSE = "distance";
    /** The level of {@code Sex} that marks a boy. */
    static final String BOYS = "Male";
    /** The level of {@code Sex} that marks a girl. */
    static final String GIRLS = "Female";

    private final Plugins plugins;
    private final DataTable data;
    private final FitOptions options;

    /** An analysis of a table with the dental data's columns (distance, age, Subject, Sex). */
    public PaperAnalysis(Plugins plugins, DataTable data) {
        this(plugins, data, FitOptions.defaults());
    }

    /** The same, with other fit options (the PSD constraint is set per cell). */
    public PaperAnalysis(Plugins plugins, DataTable data, FitOptions options) {
        this.plugins = plugins;
        this.data = data;
        this.options = options;
    }

    /** The model of one cell of Table 1 (ML). */
    public MixedModel model(PaperMean mean, PaperSigma sigma) {
        return ModelFactory.build(data, sigma.formula(mean), sigma.residual(), GrowthLines.AGE, GrowthLines.SUBJECT,
                Method.ML, plugins);
    }

    /** Fits everything with the named estimators (all discovered ones when the list is empty). */
    public PaperResults run(List<String> estimatorNames, PaperProgress progress) {
        List<Estimator> estimators = new ArrayList<>();
        for (String name : estimatorNames.isEmpty() ? List.copyOf(plugins.estimators().keySet()) : estimatorNames) {
            estimators.add(plugins.estimator(name));
        }
        if (estimators.isEmpty()) {
            throw new IllegalStateException("no estimator was found on the class path");
        }
        List<PaperMean> means = List.of(PaperMean.values());
        List<PaperSigma> sigmas = List.of(PaperSigma.values());
        Map<String, MixedModel> models = new LinkedHashMap<>();
        Map<String, Boolean> confounded = new LinkedHashMap<>();
        int total = 0;
        for (PaperSigma s : sigmas) {
            for (PaperMean m : means) {
                MixedModel model = model(m, s);
                boolean c = Diagnostics.randomEffectsConfounded(model.data());
                models.put(key(m, s), model);
                confounded.put(key(m, s), c);
                total += estimators.size() * (c ? 2 : 1);
            }
        }
        FitOptions constrained = withPsd(options, true);
        FitOptions free = withPsd(options, false);
        List<Table1Cell> cells = new ArrayList<>();
        int done = 0;
        for (PaperSigma s : sigmas) {
            for (PaperMean m : means) {
                MixedModel model = models.get(key(m, s));
                boolean c = confounded.get(key(m, s));
                List<EstimatorOutcome> outcomes = new ArrayList<>();
                List<EstimatorOutcome> unconstrained = new ArrayList<>();
                for (Estimator e : estimators) {
                    outcomes.add(fit(e, model, constrained, s.formula(m)));
                    progress.fitted(++done, total, m.label() + "/" + s.label() + " " + e.name());
                }
                if (c) {
                    for (Estimator e : estimators) {
                        unconstrained.add(fit(e, model, free, s.formula(m)));
                        progress.fitted(++done, total, m.label() + "/" + s.label() + " " + e.name() + " (Ω unconstrained)");
                    }
                }
                cells.add(Table1Cell.of(m, s, s.formula(m), model.parameterCount(), outcomes, c, unconstrained));
            }
        }
        return derive(estimators.stream().map(Estimator::name).toList(), cells);
    }

    private PaperResults derive(List<String> estimators, List<Table1Cell> cells) {
        PaperResults partial = new PaperResults(estimators, cells, null, Double.NaN, Double.NaN, Map.of(), Map.of(),
                null, List.of(), Map.of(), List.of(), List.of(), List.of());
        FitResult freeScalar = reference(partial, PaperMean.FREE, PaperSigma.SCALAR);
        FitResult genderFree = reference(partial, PaperMean.GENDER, PaperSigma.FREE);
        FitResult genderRandom = reference(partial, PaperMean.GENDER, PaperSigma.RANDOM);

        Map<String, String> sexOf = children();
        List<GrowthLine> figure1 = new ArrayList<>();
        List<GrowthLine> figure3 = new ArrayList<>();
        Map<String, double[]> blups = new LinkedHashMap<>();
        for (Map.Entry<String, String> child : sexOf.entrySet()) {
            String id = child.getKey();
            String sex = child.getValue();
            boolean boy = BOYS.equals(sex);
            double[] ls = GrowthLines.line(freeScalar.fixedNames(), freeScalar.fixedEffects(), id, sex);
            figure1.add(new GrowthLine(id, boy, ls[0], ls[1]));
            int g = genderRandom.groupIds().indexOf(id);
            if (g < 0) {
                throw new IllegalStateException("the gender/random fit has no random effects for child " + id);
            }
            double[] b = genderRandom.randomEffects()[g];
            blups.put(id, b.clone());
            double[] mean = GrowthLines.line(genderRandom.fixedNames(), genderRandom.fixedEffects(), id, sex);
            double[] dev = GrowthLines.line(genderRandom.randomNames(), b, id, sex);
            figure3.add(new GrowthLine(id, boy, mean[0] + dev[0], mean[1] + dev[1]));
        }
        List<GrowthLine> figure2 = new ArrayList<>();
        for (String sex : List.of(BOYS, GIRLS)) {
            double[] l = GrowthLines.line(genderFree.fixedNames(), genderFree.fixedEffects(), "", sex);
            figure2.add(new GrowthLine(BOYS.equals(sex) ? "Boys" : "Girls", BOYS.equals(sex), l[0], l[1]));
        }
        return new PaperResults(estimators, cells, SigmaSummary.of(genderFree.occasionLabels(), genderFree.sigma()),
                freeScalar.sigma()[0][0], genderRandom.sigma()[0][0], named(genderFree), named(genderRandom),
                genderRandom.omega(), genderRandom.randomNames(), blups, figure1, figure2, figure3);
    }

    private static FitResult reference(PaperResults r, PaperMean m, PaperSigma s) {
        Table1Cell c = r.cell(m, s);
        if (c.reference() == null) {
            throw new IllegalStateException("no estimator fitted the " + m.label() + "/" + s.label() + " model ("
                    + c.formula() + "): " + c.outcomes().stream().map(o -> o.estimator() + " " + o.status() + " "
                    + o.reason()).toList());
        }
        return c.reference();
    }

    /** The children of the data with their sex, in order of first appearance. */
    Map<String, String> children() {
        String[] subject = data.column(GrowthLines.SUBJECT);
        String[] sex = data.column(GrowthLines.SEX);
        if (subject == null || sex == null) {
            throw new IllegalStateException(data.source() + " has no columns Subject and Sex");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < subject.length; i++) {
            if (subject[i] != null && sex[i] != null) {
                out.putIfAbsent(subject[i], sex[i]);
            }
        }
        return out;
    }

    private static Map<String, Double> named(FitResult f) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < f.fixedNames().size(); k++) {
            out.put(f.fixedNames().get(k), f.fixedEffects()[k]);
        }
        return out;
    }

    private static EstimatorOutcome fit(Estimator e, MixedModel model, FitOptions o, String formula) {
        try {
            return EstimatorOutcome.of(e.fit(model, o));
        } catch (RuntimeException ex) {
            LOG.debug("estimator {} failed on {}", e.name(), formula, ex);
            return EstimatorOutcome.failed(e.name(), ex);
        }
    }

    private static FitOptions withPsd(FitOptions o, boolean psd) {
        return new FitOptions(o.maxIterations(), o.tolerance(), o.accelerate(), psd, o.progress());
    }

    private static String key(PaperMean m, PaperSigma s) {
        return m.name() + "/" + s.name();
    }
}
