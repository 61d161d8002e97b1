package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.ModelFactory;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.output.RandomTerms;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.testkit.HandFrames;

/**
 * Crossed random terms, fitted as one group of all rows (issue 13, {@link NestedTerms#oneGroup}), against lme4 1.1-31
 * (R 4.2; figures by {@code src/test/resources/crossed/reference.R}, bobyqa with rhoend 1e-12, data beside it), for
 * every estimator, ML and REML, through the command line's model building ({@link ModelFactory#build}): −2 log L
 * within 1e-6, β̂, each term's Ω̂_k, σ̂² within 1e-4 relative to their scale, the standard errors of β̂ within 1e-5
 * relative, every BLUP (lme4's {@code ranef}) within 1e-3 of its term's standard deviation. (Measured: −2 log L
 * within 2e-12, Ω̂_k within 5e-7 relative, BLUPs within 1e-7.)
 * <ul>
 *   <li>Penicillin {@code diameter ~ 1 + (1|plate) + (1|sample)}: 24 plates × 6 samples, fully crossed;</li>
 *   <li>{@code y ~ x + (1 + x|subject) + (1|item)}: a correlated random slope in one of two crossed terms, 20 subjects
 *       × 12 items with a tenth of the cells missing (simulated in R);</li>
 *   <li>{@code y ~ x + (1|subject) + (1|g)}: the same rows with a factor of no effect crossed with the subjects, a
 *       boundary fit (Ω_g = 0, singular, as lme4's {@code isSingular});</li>
 *   <li>{@code y ~ 1 + (1|batch/cask) + (1|operator)}: casks nested in batches, both crossed with operators.</li>
 * </ul>
 */
class CrossedTermsReferenceTest {

    private static final Map<String, Double> REFERENCE = HandFrames.figures("/crossed/reference.properties");
    private static final Plugins PLUGINS = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);

    /** A data set: its key in the reference, its file and its formula. */
    record Case(String key, String file, String formula, List<String> fixed) {
        @Override
        public String toString() {
            return key;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("penicillin", "penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)", List.of("(Intercept)")),
            new Case("slopes", "slopes.csv", "y ~ x + (1 + x | subject) + (1 | item)", List.of("(Intercept)", "x")),
            new Case("boundary", "boundary.csv", "y ~ x + (1 | subject) + (1 | g)", List.of("(Intercept)", "x")),
            new Case("mixed", "mixed.csv", "y ~ 1 + (1|batch/cask) + (1|operator)", List.of("(Intercept)")));

    static List<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : CASES) {
            for (String e : List.of("newton", "em", "alternating")) {
                for (Method m : Method.values()) {
                    out.add(Arguments.of(c, e, m));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("runs")
    void matchesLme4(Case c, String estimator, Method method) {
        String key = c.key() + "." + (method == Method.ML ? "ml" : "reml");
        MixedModel model = model(c, method);
        assertEquals(1, model.data().groupCount(), "crossed terms: one group of all rows");
        FitResult fit = PLUGINS.estimator(estimator).fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, fit.status(), key + ": " + fit.reason());
        assertEquals(REFERENCE.get(key + ".m2ll"), fit.minus2LogLik(), 1e-6, key + " −2 log L");
        for (int b = 0; b < c.fixed().size(); b++) {
            assertClose(REFERENCE.get(key + ".beta." + c.fixed().get(b)), fit.fixedEffects()[b],
                    key + " " + c.fixed().get(b));
            assertEquals(REFERENCE.get(key + ".se." + c.fixed().get(b)), fit.standardErrors()[b],
                    1e-5 * REFERENCE.get(key + ".se." + c.fixed().get(b)), key + " se " + c.fixed().get(b));
        }
        assertClose(REFERENCE.get(key + ".sigma2"), fit.sigma()[0][0], key + " σ²");
        int blups = assertTermsMatch(fit, model, key);
        assertEquals(model.data().q(), blups, "every level's BLUPs compared (Q = Σ_k L_k q_k)");
        assertEquals(c.key().equals("boundary"), fit.singular(), key + ": lme4's isSingular");
    }

    /**
     * The blocked penalised least squares path (the one of large crossed designs such as InstEval), forced on these
     * small ones, against the same lme4 figures: −2 log L, σ², Ω_k and every BLUP by level, by Newton, ML and REML.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("blockedRuns")
    void theBlockedPathMatchesLme4TooBlupsIncluded(Case c, Method method) throws IOException {
        String key = c.key() + "." + (method == Method.ML ? "ml" : "reml");
        MixedModel model;
        try (InputStream in = CrossedTermsReferenceTest.class.getResourceAsStream("/crossed/" + c.file())) {
            DataTable table = CsvTableReader.read(in, c.file());
            org.lmm4j.model.ModelFrame frame = org.lmm4j.formula.ModelCompiler.compile(table, c.formula(),
                    org.lmm4j.formula.CompileOptions.none()).frame();
            model = ModelFactory.blocked(frame, PLUGINS.structure("scalar"), method, PLUGINS);
        }
        assertNotNull(model.crossed(), "the blocked path");
        FitResult fit = PLUGINS.estimator("newton").fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, fit.status(), key + ": " + fit.reason());
        assertEquals(REFERENCE.get(key + ".m2ll"), fit.minus2LogLik(), 1e-6, key + " −2 log L");
        assertClose(REFERENCE.get(key + ".sigma2"), fit.sigma()[0][0], key + " σ²");
        int blups = assertTermsMatch(fit, model, key);
        assertTrue(blups > 0, "BLUPs compared");
    }

    static List<Arguments> blockedRuns() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : CASES.subList(0, 2)) {
            for (Method m : Method.values()) {
                out.add(Arguments.of(c, m));
            }
        }
        return out;
    }

    static MixedModel model(Case c, Method method) {
        try (InputStream in = CrossedTermsReferenceTest.class.getResourceAsStream("/crossed/" + c.file())) {
            DataTable table = CsvTableReader.read(in, c.file());
            return ModelFactory.build(table, c.formula(), "scalar", null, null, method, PLUGINS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each term's Ω̂_k and every BLUP by level against lme4's; returns the number of BLUPs compared. */
    private static int assertTermsMatch(FitResult fit, MixedModel model, String key) {
        RandomTerms terms = RandomTerms.of(fit, (TermBlocks) model.randomEffects());
        int blups = 0;
        for (RandomTerms.Term t : terms.terms()) {
            List<String> names = t.names();
            for (int a = 0; a < names.size(); a++) {
                for (int b = 0; b <= a; b++) {
                    String k = key + ".omega." + t.label() + "." + names.get(a) + "." + names.get(b);
                    Double expected = REFERENCE.get(k);
                    assertNotNull(expected, k);
                    assertClose(expected, t.omega()[a][b], k);
                }
            }
            assertEquals(t.levels(), t.effects().size(), t.label() + ": one BLUP row per level");
            for (Map.Entry<String, double[]> e : t.effects().entrySet()) {
                for (int a = 0; a < names.size(); a++) {
                    String k = key + ".ranef." + t.grouping() + "." + e.getKey() + "." + names.get(a);
                    Double expected = REFERENCE.get(k);
                    assertNotNull(expected, k);
                    double sd = Math.sqrt(t.omega()[a][a]);
                    assertEquals(expected, e.getValue()[a], 1e-3 * Math.max(sd, 1e-3), k);
                    blups++;
                }
            }
        }
        return blups;
    }

    /** Within 1e-4 of the reference's magnitude (at least 1e-4 absolute). */
    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
    }
}
