package org.lmm4j.formula;

import org.junit.jupiter.api.Test;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.ModelFrame;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lmm4j.formula.Tables.table;

/** The formula language beyond plain columns: R's operators and functions, several random terms, their checks. */
class FormulaLanguageTest {

    private static List<String> labels(String formula) {
        return Formula.parse(formula).terms().stream().map(Term::label).toList();
    }

    private static List<String> groups(String formula) {
        return Formula.parse(formula).randomTerms().stream().map(RandomTerm::group).toList();
    }

    private static String parseError(String formula) {
        return assertThrows(InputException.class, () -> Formula.parse(formula)).getMessage();
    }

    private static String compileError(DataTable t, String formula) {
        return compileError(t, formula, CompileOptions.none());
    }

    private static String compileError(DataTable t, String formula, CompileOptions options) {
        InputException e = assertThrows(InputException.class, () -> ModelCompiler.compile(t, formula, options));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** Eight rows, three subjects: t, t2 = 2t, a covariate x with a zero and a negative value. */
    private static final DataTable SMALL = table("y,t,t2,x,subj,s",
            "1.0,1,2,0.5,a,u", "2.1,2,4,1.5,a,v", "2.9,3,6,0,a,u", "1.4,1,2,2.0,b,v",
            "2.6,2,4,-1,b,u", "3.3,3,6,1.0,b,v", "0.8,1,2,1.2,c,u", "2.2,2,4,0.7,c,v");

    @Test
    void formulaOperatorsFollowRsTerms() {
        assertEquals(List.of("x"), labels("y ~ x^2"));
        assertEquals(List.of("a", "b", "a:b"), labels("y ~ (a + b)^2"));
        assertEquals(List.of("a", "b", "c", "a:b", "a:c", "b:c"), labels("y ~ (a + b + c)^2"));
        assertEquals(List.of("a", "a:b"), labels("y ~ a/b"));
        assertEquals(List.of("x", "f", "x:f:log(x)"), labels("y ~ (x + f)/log(x)"));
        assertEquals(List.of("a:b"), labels("y ~ a:b^2"));
        assertFalse(Formula.parse("y ~ -1 + x").intercept());
        assertEquals(List.of("x"), labels("y ~ -1 + x"));
    }

    @Test
    void functionsAreVariablesNamedAsRDeparsesThem() {
        assertEquals(List.of("log(x)", "I(x^2)", "sqrt(x + 1)", "I(x * 2)", "I(-x)", "I((x + 1)^2)", "I(x/1e+05)"),
                labels("y ~ log(x) + I(x ^ 2) + sqrt(x+1) + I(x*2) + I(-x) + I((x+1)^2) + I(x/1e5)"));
        assertEquals(List.of("poly(age, 2)", "scale(x)", "log(x, 2)", "I(pi * x)", "poly(x, degree = 2, raw = TRUE)"),
                labels("y ~ poly(age, 2) + scale(x) + log(x, 2) + I(pi*x) + poly(x, degree = 2, raw = TRUE)"));
        assertEquals(List.of("`y (cm)`", "log(âge)", "log(`w (cm)`)"), labels("z ~ `y (cm)` + log(`âge`) + log(`w (cm)`)"));
        assertEquals(List.of("x", "log(x)", "x:log(x)"), labels("y ~ x * log(x)"));
        // the same expression written twice is one variable
        assertEquals(List.of("I(x^2)"), labels("y ~ I(x^2) + I(x ^ 2.0)"));
    }

    @Test
    void numbersPrintAsR() {
        assertEquals("1e+05", Expression.formatNumber(1e5));
        assertEquals("123456", Expression.formatNumber(123456));
        assertEquals("1e-04", Expression.formatNumber(1e-4));
        assertEquals("0.001", Expression.formatNumber(0.001));
        assertEquals("2.5", Expression.formatNumber(2.50));
        assertEquals("0.333333333333333", Expression.formatNumber(1.0 / 3));
        assertEquals("-3", Expression.formatNumber(-3));
        assertEquals("1e+15", Expression.formatNumber(1e15));
    }

    @Test
    void severalRandomTermsExpandAsLme4() {
        assertEquals(List.of("a", "b"), groups("y ~ x + (x | a) + (1 | b)"));
        assertEquals(List.of("a", "b:a"), groups("y ~ (1 | a/b)"));
        assertEquals(List.of("a", "b:a", "c:(b:a)"), groups("y ~ (1 | a/b/c)"));
        assertEquals(List.of("a", "b:c:a"), groups("y ~ (1 | a/b:c)"));
        assertEquals(List.of("a:b"), groups("y ~ (1 | a:b)"));
        assertEquals(List.of("Subject", "Subject"), groups("Reaction ~ Days + (1|Subject) + (0+Days|Subject)"));
        RandomTerm inner = Formula.parse("y ~ (1 | a/b/c)").randomTerms().get(2);
        assertEquals(List.of("c", "b", "a"), inner.factors());
        assertEquals(List.of("a", "b", "c"), inner.nesting());
        assertEquals("(1 | c:(b:a))", inner.label());
    }

    @Test
    void structuresByGlmmTmbNamesOrPluginNames() {
        List<String> structures = Formula.parse("y ~ us(1 + t | a) + diag(t | b) + cs(1 | c) + ar1(0 + factor(t) | d)"
                + " + toep(t | e) + (t || f) + (t | g) + mine(1 | h)").randomTerms().stream()
                .map(RandomTerm::structure).toList();
        assertEquals(List.of("free", "diagonal", "cs", "ar1", "toeplitz", "diagonal", "free", "mine"), structures);
        assertEquals("cs(1 + t | g)", Formula.parse("y ~ cs(1 + t | g)").random().label());
        assertEquals("(1 + t || g)", Formula.parse("y ~ (1 + t || g)").random().label());
        assertEquals(List.of("diagonal", "diagonal"), Formula.parse("y ~ diag(1 | a/b)").randomTerms().stream()
                .map(RandomTerm::structure).toList());
    }

    @Test
    void errorsNameTheirColumn() {
        assertEquals("formula error at column 14: \"||\" asks for a diagonal Ω, but cs(...) names another structure:"
                + " write cs(... | ...) in \"y ~ cs(1 + t || g)\"", parseError("y ~ cs(1 + t || g)"));
        assertEquals("formula error at column 8: log() needs an argument in \"y ~ log()\"", parseError("y ~ log()"));
        assertEquals("formula error at column 13: the degree of poly() must be a positive whole number in"
                + " \"y ~ poly(x, 0)\"", parseError("y ~ poly(x, 0)"));
        assertTrue(parseError("y ~ poly(x, k)").startsWith("formula error at column 13: the degree of poly()"));
        assertTrue(parseError("y ~ I(x:z)").startsWith("formula error at column 8: \":\" is not arithmetic"));
        assertTrue(parseError("y ~ I(poly(x, 2))").startsWith("formula error at column 7: poly() gives several columns"));
        assertTrue(parseError("y ~ log(x").startsWith("formula error at column 8: unbalanced parenthesis"));
        assertTrue(parseError("y ~ x | g").startsWith("formula error at column 7: a random term is written in parentheses"));
        assertTrue(parseError("y ~ log(x, 2, 3)").startsWith("formula error at column 15: log() takes the arguments"));
        assertTrue(parseError("y ~ (1 | log(g))").startsWith("formula error at column 10: the grouping of a random term"));
        assertTrue(parseError("y ~ I(" + "(".repeat(300) + "x" + ")".repeat(300) + ")").contains("nested more than 200 deep"));
        assertTrue(parseError("y ~ x + 1.2.3").contains("malformed number \"1.2.3\""));
        assertTrue(parseError("y ~ a*b*c*d*e*f*g*h*i*j*k*l*m*n*o").contains("more than 10000 terms"));
    }

    @Test
    void functionsWorkInTheRandomPartToo() {
        ModelData d = ModelCompiler.compile(SMALL, "y ~ 1 + (0 + log(t) | subj)", CompileOptions.none()).data();
        assertEquals(List.of("log(t)"), d.randomNames());
        assertEquals(Math.log(2), d.groups().get(0).z()[1], 1e-15);
        ModelData p = ModelCompiler.compile(SMALL, "y ~ poly(t, 2) + (1 | subj)", CompileOptions.none()).data();
        assertEquals(List.of("(Intercept)", "poly(t, 2)1", "poly(t, 2)2"), p.fixedNames());
        ModelData pi = ModelCompiler.compile(SMALL, "y ~ I(pi * t)", CompileOptions.none()).data();
        assertEquals(Math.PI, pi.groups().get(0).x()[1], 1e-15);
    }

    @Test
    void aValueThatIsNotFiniteNamesTheRowAndTheVariable() {
        assertEquals("t.csv line 4 (data row 3): log(x) is -Inf (x = 0) in the variable log(x) of \"y ~ log(x)\";"
                + " every value the model uses must be a finite number", compileError(SMALL, "y ~ log(x)"));
        assertTrue(compileError(SMALL, "y ~ I(sqrt(x) + t)").startsWith("t.csv line 6 (data row 5): sqrt(x) is NaN"
                + " (x = -1) in the variable I(sqrt(x) + t)"));
        assertTrue(compileError(SMALL, "y ~ I(t/x)").startsWith("t.csv line 4 (data row 3): t/x is Inf (t = 3, x = 0)"));
        // a row the model does not use may hold anything
        DataTable holes = table("y,x", "1,1", ",0", "3,2", "2.5,4");
        assertEquals(3, ModelCompiler.compile(holes, "y ~ log(x)", CompileOptions.none()).data().observations());
    }

    @Test
    void functionsOfMissingOrTextColumns() {
        assertTrue(compileError(SMALL, "y ~ log(tt)").startsWith("formula error at column 9: unknown column \"tt\""));
        assertEquals("formula error at column 9: log(subj) needs numbers, but column \"subj\" holds text (\"a\") in"
                + " \"y ~ log(subj)\"", compileError(SMALL, "y ~ log(subj)"));
        assertTrue(compileError(SMALL, "y ~ poly(t, 3)").contains("the degree 3 must be less than the number of"
                + " distinct values of t"));
        assertTrue(compileError(table("y,c,g", "1,2,a", "2,2,a", "3,2,b"), "y ~ scale(c)").contains("constant"));
    }

    @Test
    void aliasedRandomEffectColumnsAreRefused() {
        // issue 15 item 5: t2 = 2t makes Ω unidentified; lme4 warns "nearly unidentifiable", here it is an error
        String[] lines = new String[16];
        for (int r = 0; r < 16; r++) {
            int t = r % 4 + 1;
            lines[r] = (1 + 0.3 * t + 0.1 * ((r * 7) % 5)) + "," + t + "," + 2 * t + ",x,s" + (r / 4) + "," + (r % 2);
        }
        DataTable aliased = table("y,t,t2,x,subj,s", lines);
        assertEquals("the random term (1 + t + t2 | subj) has aliased columns: column \"t2\" is a linear combination"
                + " of \"t\", so the covariance of its random effects is not identified; drop the aliased column",
                compileError(aliased, "y ~ t + (t + t2 | subj)"));
        assertTrue(compileError(aliased, "y ~ t + (1 | s) + (0 + t + t2 | subj)").startsWith(
                "the random term (0 + t + t2 | subj) has aliased columns: column \"t2\""));
    }

    @Test
    void perTermChecksNameTheTerm() {
        DataTable t = table("y,x,g,h,one", "1,1,a,p,k", "2,2,a,q,k", "3,3,b,r,k", "4,5,b,s,k", "2,1,c,t,k", "5,4,c,u,k");
        assertEquals("grouping factor \"h\" has 6 levels for 6 observations: every group is a single row, so the random"
                + " effects cannot be told apart from the residual (the number of levels must be less than the number of"
                + " observations) (in the random term (1 | h))", compileError(t, "y ~ x + (1 | g) + (1 | h)"));
        assertTrue(compileError(t, "y ~ x + (1 | g) + (1 | one)").contains("has a single level: the random effects'"
                + " covariance cannot be estimated from one group (in the random term (1 | one))"));
        assertTrue(compileError(t, "y ~ (1 | one) + (x | g)").contains("(in the random term (1 | one))"));
        assertTrue(compileError(t, "y ~ 1 + (1 | one) + (x | g)").startsWith("grouping factor \"one\""));
        assertEquals("the model has 3 × 2 = 6 random effects for 6 observations (grouping \"g\"): there must be fewer"
                + " random effects than observations (in the random term (1 + x | g))",
                compileError(t, "y ~ x + (x | g) + (1 | one)"));
    }

    @Test
    void nestedFrameGroupsByTheOuterFactorForOccasions() {
        DataTable t = table("y,school,class,t", "1,A,1,1", "2,A,1,2", "3,A,2,1", "4,A,2,2", "2,B,1,1", "3,B,1,2",
                "5,B,2,1", "1,B,2,2", "2,C,1,1", "4,C,1,2", "3,C,2,1", "2,C,2,2");
        ModelFrame f = ModelCompiler.compile(t, "y ~ 1 + (1 | school/class)", CompileOptions.none()).frame();
        assertEquals(List.of("school", "class:school"), f.terms().stream().map(r -> r.group()).toList());
        assertEquals(6, f.terms().get(1).levelCount());
        assertEquals("1:A", f.terms().get(1).levels().get(0));
        // occasions are positions within the outermost factor (school: 4 rows each)
        assertEquals(List.of("1", "2", "3", "4"), f.occasionLabels());
        // with a time column an occasion is a time within the outermost factor, unless --group names another factor
        assertTrue(compileError(t, "y ~ 1 + (1 | school/class)", new CompileOptions("t", null))
                .startsWith("group \"A\" has two rows at occasion \"1\" of time column \"t\""));
        DataTable ids = table("y,school,cid,t", "1,A,a1,1", "2,A,a1,2", "3,A,a2,1", "4,A,a2,2", "2,B,b1,1", "3,B,b1,2",
                "5,B,b2,1", "1,B,b2,2", "2,C,c1,1", "4,C,c1,2", "3,C,c2,1", "2,C,c2,2");
        ModelFrame timed = ModelCompiler.compile(ids, "y ~ 1 + (1 | school) + (1 | cid)", new CompileOptions("t", "cid"))
                .frame();
        assertEquals(List.of("1", "2"), timed.occasionLabels());
    }
}
