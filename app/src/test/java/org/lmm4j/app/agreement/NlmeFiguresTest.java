package org.lmm4j.app.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.testkit.Dental;
import org.lmm4j.testkit.Discovered;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random effects combined with structured residuals, against R's nlme 3.1 (R 4.2), computed independently:
 * <pre>
 * d$Sex &lt;- factor(d$Sex, levels = c("Male", "Female"))
 * lme(distance ~ Sex*age, random = ~1|Subject, correlation = corAR1(form = ~1|Subject), method = "ML")  # 428.4837
 * lme(distance ~ Sex*age, random = list(Subject = pdDiag(~age)),
 *     weights = varIdent(form = ~1|factor(age)), method = "ML")                                         # 424.8930
 * </pre>
 * (−2 log L). Every estimator on the class path must reach them.
 */
class NlmeFiguresTest {

    @ParameterizedTest
    @ValueSource(strings = {"newton", "em", "alternating"})
    void randomInterceptWithAr1Residuals(String estimator) {
        check(estimator, Dental.GENDER + " + (1 | Subject)", "ar1", 428.4837);
    }

    @ParameterizedTest
    @ValueSource(strings = {"newton", "em", "alternating"})
    void uncorrelatedInterceptAndSlopeWithAVariancePerAge(String estimator) {
        check(estimator, Dental.GENDER + " + (age || Subject)", "diagonal", 424.8930);
    }

    private static void check(String estimator, String formula, String sigma, double minus2LogLik) {
        MixedModel model = Dental.model(formula, sigma, Method.ML);
        FitResult fit = Discovered.estimators().stream().filter(e -> e.name().equals(estimator)).findFirst()
                .orElseThrow().fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, fit.status(), fit.reason());
        assertEquals(minus2LogLik, fit.minus2LogLik(), 1e-3, estimator + " on " + formula + ", Σ " + sigma);
    }
}
