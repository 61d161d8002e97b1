package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.special.Gamma;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Likelihood-ratio tests between nested models (p = Q(df/2, χ²/2), the upper regularised gamma: the χ² tail) (lme4's and nlme's {@code anova}): every model is fitted by ML
 * (REML criteria of models with different fixed effects are not comparable), the models are put in the order of
 * increasing npar and each is tested against the one before it: χ² = −2 log L_prev + 2 log L on
 * npar − npar_prev degrees of freedom. Models fitted to different rows, or not nested (fixed-effect columns,
 * random effects and Σ structures of the smaller among the larger's), are an input error.
 */
public final class LikelihoodRatioTest {

    /** Residual structures known to contain another (by name): a structure contains itself and every one listed. */
    private static final Map<String, Set<String>> CONTAINS = Map.of(
            "diagonal", Set.of("scalar"),
            "cs", Set.of("scalar"),
            "ar1", Set.of("scalar"),
            "toeplitz", Set.of("scalar", "cs", "ar1"),
            "free", Set.of("scalar", "diagonal", "cs", "ar1", "toeplitz"));

    private LikelihoodRatioTest() {
    }

    /**
     * Fits every model by ML with the estimator and compares them.
     *
     * @param labels  how each model is named in the table (e.g. its formula)
     */
    public static AnovaTable compare(List<String> labels, List<MixedModel> models, Estimator estimator,
                                     FitOptions options) {
        if (models.size() < 2) {
            throw new InputException("a likelihood-ratio test needs at least two models (got " + models.size() + ")");
        }
        List<String> notes = new ArrayList<>();
        if (models.stream().anyMatch(m -> m.method() == Method.REML)) {
            notes.add("REML fits were refitted by ML: REML criteria of models with different fixed effects are not comparable");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> models.get(i).parameterCount()));
        for (int k = 1; k < order.size(); k++) {
            MixedModel small = models.get(order.get(k - 1));
            MixedModel big = models.get(order.get(k));
            String pair = "'" + labels.get(order.get(k - 1)) + "' and '" + labels.get(order.get(k)) + "'";
            checkSameRows(small.data(), big.data(), pair);
            checkNested(small, big, pair);
            if (big.data().q() > small.data().q()) {
                notes.add("the test of " + pair + " puts a variance on the boundary of its space (zero): its χ² p-value "
                        + "is conservative (the null distribution is a mixture of χ²s, Self & Liang 1987)");
            }
        }
        List<AnovaRow> rows = new ArrayList<>();
        FitResult previous = null;
        for (int i : order) {
            FitResult fit = estimator.fit(models.get(i).withMethod(Method.ML), options);
            if (fit.status() == FitStatus.FAILED || fit.status() == FitStatus.UNBOUNDED) {
                throw new InputException("the ML fit of '" + labels.get(i) + "' ended " + fit.status()
                        + (fit.reason().isEmpty() ? "" : ": " + fit.reason()));
            }
            if (fit.status() != FitStatus.CONVERGED) {
                notes.add("'" + labels.get(i) + "' did not converge (" + fit.status() + "): its test is at the best point found");
            }
            double chisq = Double.NaN;
            double df = Double.NaN;
            double p = Double.NaN;
            if (previous != null) {
                chisq = previous.minus2LogLik() - fit.minus2LogLik();
                df = fit.parameters() - previous.parameters();
                p = df > 0 ? Gamma.regularizedGammaQ(df / 2, Math.max(chisq, 0) / 2) : Double.NaN;
            }
            rows.add(new AnovaRow(labels.get(i), fit.parameters(), fit.aic(), fit.bic(), fit.logLik(),
                    fit.minus2LogLik(), chisq, df, p));
            previous = fit;
        }
        return new AnovaTable(rows, notes);
    }

    /** The same response on the same rows: equal N and the same multiset of responses. */
    static void checkSameRows(ModelData a, ModelData b, String pair) {
        if (!a.response().equals(b.response())) {
            throw new InputException("models " + pair + " have different responses (" + a.response() + ", "
                    + b.response() + "): a likelihood-ratio test compares models of the same data");
        }
        if (a.observations() != b.observations() || !Arrays.equals(sortedResponse(a), sortedResponse(b))) {
            throw new InputException("models " + pair + " were fitted to different rows (" + a.observations() + " and "
                    + b.observations() + " rows used; missing values in a column only one of them uses?): "
                    + "a likelihood-ratio test needs the same rows in every model");
        }
    }

    private static double[] sortedResponse(ModelData d) {
        double[] y = new double[d.observations()];
        int k = 0;
        for (Group g : d.groups()) {
            for (double v : g.y()) {
                y[k++] = v;
            }
        }
        Arrays.sort(y);
        return y;
    }

    /** The smaller model's fixed effects, random effects and structures are among the larger's. */
    static void checkNested(MixedModel small, MixedModel big, String pair) {
        ModelData s = small.data();
        ModelData b = big.data();
        if (s.p() + small.thetaLength() == b.p() + big.thetaLength()) {
            throw new InputException("models " + pair + " have the same number of parameters: they are not nested");
        }
        if (!b.fixedNames().containsAll(s.fixedNames())) {
            throw new InputException("models " + pair + " are not nested: the fixed effects of the first ("
                    + String.join(", ", s.fixedNames()) + ") are not among the second's (" + String.join(", ", b.fixedNames()) + ")");
        }
        if (s.q() > 0) {
            if (b.q() == 0 || !b.randomNames().containsAll(s.randomNames())
                    || !java.util.Objects.equals(s.grouping(), b.grouping())) {
                throw new InputException("models " + pair + " are not nested: the random effects of the first are not "
                        + "among the second's (same grouping factor needed)");
            }
            if (!contains(big.randomEffects().name(), small.randomEffects().name())) {
                throw new InputException("models " + pair + " are not nested: Ω '" + small.randomEffects().name()
                        + "' is not a special case of '" + big.randomEffects().name() + "'");
            }
        }
        if (!contains(big.residual().name(), small.residual().name())) {
            throw new InputException("models " + pair + " are not nested: Σ '" + small.residual().name()
                    + "' is not a special case of '" + big.residual().name() + "'");
        }
    }

    private static boolean contains(String big, String small) {
        return big.equals(small) || CONTAINS.getOrDefault(big, Set.of()).contains(small);
    }
}
