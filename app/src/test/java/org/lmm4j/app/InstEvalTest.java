package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;

/**
 * lme4's InstEval ({@code y ~ service + (1|s) + (1|d) + (1|dept:service)}: 73 421 ratings, 2972 students crossed with
 * 1128 instructors and 28 department × service cells, Q = 4128 random effects) fitted by the Newton estimator on the
 * blocked penalised least squares path, against lme4 1.1-31 with tight bobyqa (figures by
 * {@code insteval/insteval.R}, output {@code insteval/insteval.out} beside it): −2 log L within 2e-3, σ² and the
 * variances within 1e-3 relative, β̂ within 1e-3 of its scale. EM and alternating refuse the model with a message.
 */
class InstEvalTest {

    private static final String FORMULA = "y ~ service + (1|s) + (1|d) + (1|dept:service)";
    private static DataTable table;
    private static Plugins plugins;
    private static Map<String, String[]> reference;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = InstEvalTest.class.getResourceAsStream("/insteval/insteval.csv.gz")) {
            table = CsvTableReader.read(in, "insteval.csv.gz");
        }
        plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        reference = new HashMap<>();
        try (InputStream in = InstEvalTest.class.getResourceAsStream("/insteval/insteval.out")) {
            String section = "";
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 1 && (f[0].equals("ML") || f[0].equals("REML"))) {
                    section = f[0];
                } else if (f.length > 1) {
                    String key = section + "." + f[0] + (f[0].equals("vcov") ? "." + f[1] : "");
                    reference.put(key, java.util.Arrays.copyOfRange(f, f[0].equals("vcov") ? 2 : 1, f.length));
                }
            }
        }
    }

    private static double ref(Method m, String key, int i) {
        return Double.parseDouble(reference.get(m.name() + "." + key)[i]);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void newtonMatchesLme4(Method method) {
        MixedModel model = ModelFactory.build(table, FORMULA, null, null, null, method, plugins);
        assertNotNull(model.crossed());
        FitResult fit = plugins.estimator("newton").fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, fit.status(), fit.reason());
        assertEquals(ref(method, "minus2LogLik", 0), fit.minus2LogLik(), 2e-3);
        assertEquals(ref(method, "sigma2", 0), fit.sigma()[0][0], 1e-3 * ref(method, "sigma2", 0));
        String[] terms = {"s", "d", "dept:service"};
        for (int k = 0; k < 3; k++) {
            double expected = ref(method, "vcov." + terms[k], 0);
            assertEquals(expected, fit.omega()[k][k], 1e-3 * expected, terms[k]);
        }
        for (int j = 0; j < 2; j++) {
            assertEquals(ref(method, "beta", j), fit.fixedEffects()[j], 1e-3, "β_" + j);
        }
    }

    @Test
    void emAndAlternatingRefuseWithAMessage() {
        MixedModel model = ModelFactory.build(table, FORMULA, null, null, null, Method.ML, plugins);
        for (String e : new String[] {"em", "alternating"}) {
            InputException ex = assertThrows(InputException.class,
                    () -> plugins.estimator(e).fit(model, FitOptions.defaults()));
            assertTrue(ex.getMessage().contains("does not yet fit crossed"), ex.getMessage());
        }
    }
}
