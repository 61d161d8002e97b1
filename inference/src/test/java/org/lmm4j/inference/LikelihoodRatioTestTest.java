package org.lmm4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lmm4j.inference.SatterthwaiteTest.assertRelative;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.newton.NewtonEstimator;

/** The likelihood-ratio test of (Days | Subject) against (1 | Subject) on sleepstudy, against lme4's {@code anova(m0, m1)}. */
class LikelihoodRatioTestTest {

    @Test
    void matchesLme4Anova() {
        // given in the "wrong" order and fitted by REML, as a user might: sorted by npar and refitted by ML
        AnovaTable t = LikelihoodRatioTest.compare(List.of("m1", "m0"),
                List.of(Sleepstudy.model(Sleepstudy.SLOPE, Method.REML), Sleepstudy.model(Sleepstudy.INTERCEPT, Method.REML)),
                new NewtonEstimator(), FitOptions.defaults());
        assertEquals(List.of("m0", "m1"), t.rows().stream().map(AnovaRow::label).toList());
        for (AnovaRow r : t.rows()) {
            String key = "anova." + r.label() + ".";
            assertEquals((int) Sleepstudy.figure(key + "npar"), r.npar());
            assertRelative(Sleepstudy.figure(key + "logLik"), r.logLik(), 1e-8, r.label() + " logLik");
            assertRelative(Sleepstudy.figure(key + "AIC"), r.aic(), 1e-8, r.label() + " AIC");
            assertRelative(Sleepstudy.figure(key + "BIC"), r.bic(), 1e-8, r.label() + " BIC");
            assertRelative(Sleepstudy.figure(key + "deviance"), r.deviance(), 1e-8, r.label() + " deviance");
        }
        AnovaRow test = t.rows().get(1);
        assertRelative(Sleepstudy.figure("anova.chisq"), test.chisq(), 1e-6, "chisq");
        assertEquals(Sleepstudy.figure("anova.df"), test.df());
        assertRelative(Sleepstudy.figure("anova.p"), test.p(), 1e-5, "p");
        assertTrue(Double.isNaN(t.rows().get(0).chisq()));
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("refitted by ML")));
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("conservative")));
    }

    @Test
    void modelsOnDifferentRowsAreAnInputError() {
        MixedModel all = Sleepstudy.model(Sleepstudy.SLOPE, Method.ML);
        MixedModel fewer = new MixedModel(new org.lmm4j.model.ModelData(all.data().groups().subList(0, 17),
                all.data().fixedNames(), List.of(), all.data().response(), all.data().grouping(),
                all.data().occasionLabels(), 0, List.of()), all.residual(), null, Method.ML);
        InputException e = assertThrows(InputException.class, () -> LikelihoodRatioTest.compare(List.of("a", "b"),
                List.of(all, fewer), new NewtonEstimator(), FitOptions.defaults()));
        assertTrue(e.getMessage().contains("different rows"), e.getMessage());
    }

    @Test
    void modelsThatAreNotNestedAreAnInputError() {
        MixedModel a = Sleepstudy.model("Reaction ~ Days + (1 | Subject)", Method.ML);
        MixedModel b = Sleepstudy.model("Reaction ~ 1 + (Days | Subject)", Method.ML);
        InputException e = assertThrows(InputException.class, () -> LikelihoodRatioTest.compare(List.of("a", "b"),
                List.of(a, b), new NewtonEstimator(), FitOptions.defaults()));
        assertTrue(e.getMessage().contains("not nested"), e.getMessage());
    }
}
