package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;

/**
 * A fitted model and what an analyst asks of it next, as short to call as lme4's functions: {@link #tests()}
 * (lmerTest's {@code summary()}), {@link #anova} ({@code anova(m0, m1)}), {@link #confint()}
 * ({@code confint(m, method = "profile")}), {@link #wald}, {@link #bootstrap}, {@link #fitted()} and
 * {@link #predict} ({@code predict(m)}, {@code predict(m, newdata)}). Build one with {@link Analysis#fit}.
 *
 * @param model      the model
 * @param result     its fit
 * @param estimator  the estimator that fitted it (and refits it for profiles, tests and the bootstrap)
 * @param options    the estimator's options
 * @param formula    the formula the model was compiled from (null: {@link #predict} and {@link #fitted} unavailable)
 * @param table      the table it was compiled against (null likewise)
 */
public record FittedModel(MixedModel model, FitResult result, Estimator estimator, FitOptions options, String formula,
                          DataTable table) {

    /** Fits {@code model} with {@code estimator}; without a formula, so {@link #predict} is unavailable. */
    public static FittedModel fit(MixedModel model, Estimator estimator, FitOptions options) {
        return new FittedModel(model, estimator.fit(model, options), estimator, options, null, null);
    }

    /** The t test of every fixed effect, with Satterthwaite's degrees of freedom. */
    public List<FixedEffectTest> tests() {
        return Satterthwaite.tests(model, result);
    }

    /** Likelihood-ratio tests of this model and the others (all fitted by ML), in the order of increasing npar. */
    public AnovaTable anova(FittedModel... others) {
        List<String> labels = new ArrayList<>();
        List<MixedModel> models = new ArrayList<>();
        labels.add(label(this, 1));
        models.add(model);
        for (int i = 0; i < others.length; i++) {
            labels.add(label(others[i], i + 2));
            models.add(others[i].model);
        }
        return LikelihoodRatioTest.compare(labels, models, estimator, options);
    }

    private static String label(FittedModel m, int k) {
        return m.formula != null ? m.formula : "model " + k;
    }

    /** 95% profile-likelihood intervals of every parameter (ML), in lme4's order and names. */
    public List<Interval> confint() {
        return confint(0.95);
    }

    /** Profile-likelihood intervals at the given level. */
    public List<Interval> confint(double level) {
        return profile().intervals(level);
    }

    /** The profile likelihood of the model (ML), for intervals of single parameters and their traces. */
    public ProfileLikelihood profile() {
        return new ProfileLikelihood(model, estimator, options, result);
    }

    /** Wald intervals of the fixed effects. */
    public List<Interval> wald(double level) {
        return WaldIntervals.of(result, level);
    }

    /** 95% percentile intervals from {@code refits} parametric-bootstrap refits on every core. */
    public ParametricBootstrap.Result bootstrap(int refits, long seed) {
        return ParametricBootstrap.run(model, result, estimator, options, refits, seed, 0.95,
                Runtime.getRuntime().availableProcessors(), k -> { });
    }

    /** Percentile intervals at a level, on a given number of threads, reporting refits done to {@code progress}. */
    public ParametricBootstrap.Result bootstrap(int refits, long seed, double level, int threads, IntConsumer progress) {
        return ParametricBootstrap.run(model, result, estimator, options, refits, seed, level, threads, progress);
    }

    /** Fitted values (with the BLUPs), population-level values and residuals of the rows the fit used. */
    public Predictions fitted() {
        requireFormula();
        return Predictor.fitting(result, formula, table);
    }

    /** Predictions for new rows: with the BLUPs of known groups, at the population level for new ones. */
    public Predictions predict(DataTable newData) {
        requireFormula();
        return Predictor.newData(result, formula, table, newData);
    }

    private void requireFormula() {
        if (formula == null || table == null) {
            throw new IllegalStateException("predictions need the formula and table the model was built from (Analysis.fit)");
        }
    }
}
