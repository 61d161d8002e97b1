package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.model.RandomEffectsTerm;
import org.lmm4j.testkit.Discovered;
import org.lmm4j.testkit.HandFrames;

/**
 * Models with several random terms nested within one factor, and one-term models with a structured Ω, against lme4
 * 1.1-31 and nlme 3.1 (R 4.2; figures made by {@code src/test/resources/nested/reference.R}, data beside it), for
 * every estimator, ML and REML (issue 13): −2 log L within 1e-6, β̂ and the variances within 1e-4 relative to their
 * scale.
 * <ul>
 *   <li>sleepstudy {@code Reaction ~ Days + (1|Subject) + (0+Days|Subject)} (two terms of one factor);</li>
 *   <li>Pastes {@code strength ~ 1 + (1|batch/cask)} (casks nested in batches);</li>
 *   <li>nlme {@code lme(y ~ x, random = ~1|farm/plot)} beside AR(1) residuals over the times of a farm, on data
 *       simulated in R (nlme's blocked form of the same Ω, since it keeps a correlation within the innermost level);</li>
 *   <li>sleepstudy {@code Reaction ~ Days + (Days|Subject)} with Ω free (lme4), diagonal (lme4 {@code ||}) and compound
 *       symmetric (nlme {@code pdCompSymm}).</li>
 * </ul>
 */
class NestedTermsReferenceTest {

    private static final Map<String, Double> REFERENCE = HandFrames.figures("/nested/reference.properties");
    private static final HandFrames.Table SLEEP = HandFrames.read("/nested/sleepstudy.csv");
    private static final HandFrames.Table PASTES = HandFrames.read("/nested/pastes.csv");
    private static final HandFrames.Table FARMS = HandFrames.read("/nested/nested-ar1.csv");

    static List<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (String e : List.of("newton", "em", "alternating")) {
            for (Method m : Method.values()) {
                out.add(Arguments.of(e, m));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void sleepstudyInterceptAndSlopeAsTwoTermsOfOneFactor(String estimator, Method method) {
        String key = "sleep2." + key(method);
        FitResult fit = fit(estimator, nested(sleepTwoTerms(), "scalar", method));
        checkCommon(key, fit, List.of("(Intercept)", "Days"));
        NestedTerms nt = NestedTerms.of(sleepTwoTerms());
        assertClose(REFERENCE.get(key + ".omega.Subject.(Intercept).(Intercept)"), nt.omega(0, fit.omega())[0][0],
                key + " intercept variance");
        assertClose(REFERENCE.get(key + ".omega.Subject.1.Days.Days"), nt.omega(1, fit.omega())[0][0],
                key + " slope variance");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void pastesCasksNestedInBatches(String estimator, Method method) {
        String key = "pastes." + key(method);
        ModelFrame frame = pastes();
        FitResult fit = fit(estimator, nested(frame, "scalar", method));
        checkCommon(key, fit, List.of("(Intercept)"));
        NestedTerms nt = NestedTerms.of(frame);
        assertEquals(List.of("batch", "cask:batch"), List.of(nt.terms().get(0).label(), nt.terms().get(1).label()));
        assertEquals(3, nt.terms().get(1).copies());
        assertClose(REFERENCE.get(key + ".omega.batch.(Intercept).(Intercept)"), nt.omega(0, fit.omega())[0][0],
                key + " batch variance");
        assertClose(REFERENCE.get(key + ".omega.cask:batch.(Intercept).(Intercept)"), nt.omega(1, fit.omega())[0][0],
                key + " cask variance");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void twoNestedLevelsBesideAr1Residuals(String estimator, Method method) {
        String key = "ar1." + key(method);
        ModelFrame frame = farms();
        FitResult fit = fit(estimator, nested(frame, "ar1", method));
        assertEquals(FitStatus.CONVERGED, fit.status(), fit.reason());
        assertEquals(REFERENCE.get(key + ".m2ll"), fit.minus2LogLik(), 1e-6, key + " −2 log L");
        assertClose(REFERENCE.get(key + ".beta.(Intercept)"), fit.fixedEffects()[0], key + " β0");
        assertClose(REFERENCE.get(key + ".beta.x"), fit.fixedEffects()[1], key + " β1");
        NestedTerms nt = NestedTerms.of(frame);
        assertClose(REFERENCE.get(key + ".omega.farm"), nt.omega(0, fit.omega())[0][0], key + " farm variance");
        assertClose(REFERENCE.get(key + ".omega.plot"), nt.omega(1, fit.omega())[0][0], key + " plot variance");
        assertClose(REFERENCE.get(key + ".sigma2"), fit.sigma()[0][0], key + " σ²");
        assertClose(REFERENCE.get(key + ".rho"), fit.sigma()[0][1] / fit.sigma()[0][0], key + " ρ");
        // the same model without the correlation: nlme's ~1|farm/plot
        FitResult plain = fit(estimator, nested(frame, "scalar", method));
        assertEquals(REFERENCE.get("nested." + key(method) + ".m2ll"), plain.minus2LogLik(), 1e-6, "~1|farm/plot");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void interceptAndSlopeWithOmegaFreeDiagonalOrCompoundSymmetric(String estimator, Method method) {
        for (String structure : List.of("free", "diagonal", "cs")) {
            String key = (structure.equals("free") ? "us" : structure.equals("diagonal") ? "diag" : "cs") + "."
                    + key(method);
            ModelFrame frame = sleepOneTerm(structure);
            // one term: the model of today's path, Ω the term's own structure
            MixedModel model = new MixedModel(NestedTerms.of(frame).data(), Discovered.structure("scalar"),
                    Discovered.structure(structure), method);
            FitResult fit = fit(estimator, model);
            checkCommon(key, fit, List.of("(Intercept)", "Days"));
            double[][] omega = fit.omega();
            if (structure.equals("cs")) {
                assertClose(REFERENCE.get(key + ".variance"), omega[0][0], key + " variance");
                assertClose(REFERENCE.get(key + ".variance"), omega[1][1], key + " variance");
                assertClose(REFERENCE.get(key + ".covariance"), omega[0][1], key + " covariance");
            } else {
                String intercept = key + ".omega.Subject.(Intercept).(Intercept)";
                String slope = key + (structure.equals("free") ? ".omega.Subject.Days.Days" : ".omega.Subject.1.Days.Days");
                assertClose(REFERENCE.get(intercept), omega[0][0], key + " intercept variance");
                assertClose(REFERENCE.get(slope), omega[1][1], key + " slope variance");
                double cov = structure.equals("free") ? REFERENCE.get(key + ".omega.Subject.Days.(Intercept)") : 0;
                assertClose(cov, omega[0][1], key + " covariance");
            }
        }
    }

    private static void checkCommon(String key, FitResult fit, List<String> beta) {
        assertEquals(FitStatus.CONVERGED, fit.status(), key + ": " + fit.reason());
        assertEquals(REFERENCE.get(key + ".m2ll"), fit.minus2LogLik(), 1e-6, key + " −2 log L");
        for (int b = 0; b < beta.size(); b++) {
            assertClose(REFERENCE.get(key + ".beta." + beta.get(b)), fit.fixedEffects()[b], key + " " + beta.get(b));
        }
        assertClose(REFERENCE.get(key + ".sigma2"), fit.sigma()[0][0], key + " σ²");
    }

    /** Within 1e-4 of the reference's magnitude (at least 1e-4 absolute). */
    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
    }

    private static String key(Method m) {
        return m == Method.ML ? "ml" : "reml";
    }

    private static FitResult fit(String estimator, MixedModel model) {
        return Discovered.estimators().stream().filter(e -> e.name().equals(estimator)).findFirst().orElseThrow()
                .fit(model, FitOptions.defaults());
    }

    /** The regrouped frame with Ω of its terms' structures and Σ of the named one. */
    static MixedModel nested(ModelFrame frame, String sigma, Method method) {
        NestedTerms nt = NestedTerms.of(frame);
        return new MixedModel(nt.data(), Discovered.structure(sigma), TermBlocks.of(nt, Discovered::structure), method);
    }

    static ModelFrame sleepTwoTerms() {
        int n = SLEEP.size();
        double[] days = SLEEP.numbers("Days");
        String[] subject = SLEEP.column("Subject");
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("Subject", List.of("Subject"), subject, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"),
                HandFrames.term("Subject", List.of("Subject"), subject, List.of("Days"), new double[][] {days}, "free"));
        return HandFrames.frame(SLEEP.numbers("Reaction"), List.of("(Intercept)", "Days"),
                new double[][] {HandFrames.ones(n), days}, "Reaction", terms);
    }

    static ModelFrame sleepOneTerm(String structure) {
        int n = SLEEP.size();
        double[] days = SLEEP.numbers("Days");
        List<RandomEffectsTerm> terms = List.of(HandFrames.term("Subject", List.of("Subject"), SLEEP.column("Subject"),
                List.of("(Intercept)", "Days"), new double[][] {HandFrames.ones(n), days}, structure));
        return HandFrames.frame(SLEEP.numbers("Reaction"), List.of("(Intercept)", "Days"),
                new double[][] {HandFrames.ones(n), days}, "Reaction", terms);
    }

    static ModelFrame pastes() {
        int n = PASTES.size();
        String[] batch = PASTES.column("batch");
        String[] cask = PASTES.column("cask");
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("batch", List.of("batch"), batch, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"),
                HandFrames.term("cask:batch", List.of("batch", "cask"), HandFrames.interaction(cask, batch),
                        List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, "free"));
        return HandFrames.frame(PASTES.numbers("strength"), List.of("(Intercept)"),
                new double[][] {HandFrames.ones(n)}, "strength", terms);
    }

    static ModelFrame farms() {
        int n = FARMS.size();
        String[] farm = FARMS.column("farm");
        String[] plot = FARMS.column("plot");
        double[] time = FARMS.numbers("time");
        int[] occasion = new int[n];
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            occasion[j] = (int) time[j] - 1;
        }
        for (int t = 1; t <= 12; t++) {
            labels.add(String.valueOf(t));
        }
        List<RandomEffectsTerm> terms = List.of(
                HandFrames.term("farm", List.of("farm"), farm, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"),
                HandFrames.term("plot:farm", List.of("farm", "plot"), HandFrames.interaction(plot, farm),
                        List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, "free"));
        return HandFrames.frame(FARMS.numbers("y"), List.of("(Intercept)", "x"),
                new double[][] {HandFrames.ones(n), FARMS.numbers("x")}, "y", terms, occasion, labels);
    }
}
