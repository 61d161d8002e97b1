package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing lme4 formulas: terms as R's terms() gives them, and errors naming the token and its column. */
class FormulaTest {

    private static List<String> labels(Formula f) {
        return f.terms().stream().map(Term::label).toList();
    }

    private static String error(String text) {
        return assertThrows(InputException.class, () -> Formula.parse(text)).getMessage();
    }

    @Test
    void productExpandsToMainEffectsAndInteraction() {
        Formula f = Formula.parse("distance ~ Sex*age + (age | Subject)");
        assertEquals("distance", f.response());
        assertTrue(f.intercept());
        assertEquals(List.of("Sex", "age", "Sex:age"), labels(f));
        assertTrue(f.random().intercept());
        assertEquals(List.of("age"), f.random().terms().stream().map(Term::label).toList());
        assertEquals("Subject", f.random().group());
        assertEquals("free", f.random().omegaStructure());
    }

    @Test
    void threeWayProductAndParentheses() {
        assertEquals(List.of("a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"), labels(Formula.parse("y ~ a*b*c")));
        assertEquals(List.of("c", "a:c", "b:c"), labels(Formula.parse("y ~ (a + b):c + c")));
        assertEquals(List.of("a", "b"), labels(Formula.parse("y ~ a*b - a:b")));
        assertEquals(List.of("a"), labels(Formula.parse("y ~ a:a")));
    }

    @Test
    void interceptSpellings() {
        assertFalse(Formula.parse("y ~ 0 + x").intercept());
        assertFalse(Formula.parse("y ~ x + 0").intercept());
        assertFalse(Formula.parse("y ~ x - 1").intercept());
        assertTrue(Formula.parse("y ~ 1 + x").intercept());
        assertTrue(Formula.parse("y ~ 1").intercept());
        assertTrue(Formula.parse("y ~ 1").terms().isEmpty());
        assertFalse(Formula.parse("y ~ x + (0 + x | g)").random().intercept());
        assertTrue(Formula.parse("y ~ x + (1 | g)").random().terms().isEmpty());
    }

    @Test
    void diagonalRandomTermAndFactorCall() {
        Formula f = Formula.parse("y ~ factor(t) + (t || g)");
        assertEquals("diagonal", f.random().omegaStructure());
        assertEquals(new Variable("t", true), f.terms().get(0).variables().get(0));
        assertEquals("factor(t)", f.terms().get(0).label());
        assertNull(Formula.parse("y ~ x").random());
        // R's model.matrix names a column that is not a syntactic name in backticks
        assertEquals("`my col`", Formula.parse("y ~ `my col`").terms().get(0).label());
    }

    @Test
    void positionsOfColumnsAreRemembered() {
        Formula f = Formula.parse("distance ~ age + (age | Subject)");
        assertEquals(1, f.positions().get("distance"));
        assertEquals(12, f.positions().get("age"));
        assertEquals(25, f.positions().get("Subject"));
    }

    @Test
    void syntaxErrorsNameTokenAndColumn() {
        assertEquals("formula error at column 18: unbalanced parenthesis in \"distance ~ age + (age | Subject\"",
                error("distance ~ age + (age | Subject"));
        assertEquals("formula error at column 15: unbalanced parenthesis in \"distance ~ age)\"", error("distance ~ age)"));
        assertEquals("formula error at column 17: unexpected end of formula, expected a term in \"distance ~ age +\"",
                error("distance ~ age +"));
        assertEquals("formula error at column 1: missing response before \"~\" in \"~ age\"", error("~ age"));
        assertEquals("formula error at column 10: expected \"~\" after the response, found \"age\" in \"distance age\"",
                error("distance age"));
        assertEquals("formula error at column 13: the power of formula terms must be a positive whole number"
                + " (for arithmetic write I(... ^ ...)) in \"y ~ (a + b)^x\"", error("y ~ (a + b)^x"));
        assertEquals("formula error at column 5: unsupported function \"lg\" (supported: factor, log, exp, sqrt, abs,"
                + " sin, cos, tan, log2, log10, log1p, expm1, I, scale, poly) in \"y ~ lg(x)\"", error("y ~ lg(x)"));
        assertEquals("formula error at column 9: unexpected number 2 (only 0 and 1, for the intercept, may appear)"
                + " in \"y ~ x + 2\"", error("y ~ x + 2"));
        assertEquals("formula error at column 1: empty formula in \"\"", error(""));
        assertTrue(error("y ~ x + (1 | g + h)").startsWith("formula error at column 16: the grouping of a random term"));
        assertTrue(error("y ~ x * (1 | g)").startsWith("formula error at column 9: a random term cannot be part of"));
        assertTrue(error("y ~ x + ((1 | g) | h)").startsWith("formula error at column 10: a random term cannot appear"));
        assertTrue(error("y ~ x + (0 | g)").contains("the random term has no columns"));
        assertTrue(error("y ~ x ~ z").startsWith("formula error at column 7: unexpected \"~\""));
        assertTrue(error("y ~ x + `abc").contains("unterminated back-quoted name"));
        assertTrue(error("y ~ .").contains("\".\" shorthand"));
    }
}
