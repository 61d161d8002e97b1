package org.lmm4j.formula;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Properties of the formula language: printing a parsed formula gives the same formula; poly() is orthonormal. */
class FormulaLanguageProperties {

    @Provide
    Arbitrary<String> formulas() {
        Arbitrary<String> atom = Arbitraries.of("a", "b", "`c d`", "factor(e)", "log(a)", "I(a^2)", "poly(b, 2)",
                "scale(a)", "sqrt(a + 1)", "I(-a * b/2)", "exp(b)", "I((a + 1)^3)", "cos(pi * a)", "log(b, 10)");
        Arbitrary<String> term = atom.list().ofMinSize(1).ofMaxSize(3)
                .flatMap(as -> Arbitraries.of(":", "*", "/").map(op -> String.join(op, as)));
        Arbitrary<String> fixed = term.list().ofMinSize(0).ofMaxSize(3).flatMap(ts -> Arbitraries.of("", "0 + ", "1 + ")
                .map(prefix -> prefix + (ts.isEmpty() ? "1" : String.join(" + ", ts))));
        Arbitrary<String> lhs = Arbitraries.of("1", "a", "0 + a", "1 + log(a)", "poly(b, 2)", "0 + factor(e)");
        Arbitrary<String> group = Arbitraries.of("g", "h", "g:h", "g/h", "`my g`");
        Arbitrary<String> bar = Arbitraries.of("|", "||");
        Arbitrary<String> structure = Arbitraries.of("", "", "us", "cs", "ar1", "toep", "mine");
        Arbitrary<String> random = Combinators.combine(structure, lhs, bar, group)
                .as((s, l, b, g) -> s.isEmpty() ? "(" + l + " " + b + " " + g + ")" : s + "(" + l + " | " + g + ")");
        return Combinators.combine(fixed, random.list().ofMaxSize(3))
                .as((f, rs) -> "y ~ " + f + rs.stream().map(r -> " + " + r).collect(Collectors.joining()));
    }

    /** The formula as this library prints it: intercept, fixed term labels, random term labels. */
    private static String print(Formula f) {
        List<String> parts = new ArrayList<>();
        parts.add(f.intercept() ? "1" : "0");
        f.terms().forEach(t -> parts.add(t.label()));
        f.randomTerms().forEach(r -> parts.add(r.label()));
        return f.response() + " ~ " + String.join(" + ", parts);
    }

    @Property(tries = 300)
    void printingAParsedFormulaGivesTheSameFormula(@ForAll("formulas") String text) {
        Formula f = Formula.parse(text);
        Formula again = Formula.parse(print(f));
        assertEquals(f.intercept(), again.intercept(), text);
        // as in R, a term lists its variables in the order the formula first mentions them, which printing may change
        assertEquals(f.terms().stream().map(t -> java.util.Set.copyOf(t.variables())).toList(),
                again.terms().stream().map(t -> java.util.Set.copyOf(t.variables())).toList(), text);
        assertEquals(f.randomTerms().stream().map(RandomTerm::group).toList(),
                again.randomTerms().stream().map(RandomTerm::group).toList(), text);
        assertEquals(f.randomTerms().stream().map(r -> r.terms().stream().map(t -> java.util.Set.copyOf(t.variables()))
                        .toList()).toList(),
                again.randomTerms().stream().map(r -> r.terms().stream().map(t -> java.util.Set.copyOf(t.variables()))
                        .toList()).toList(), text);
        assertEquals(f.randomTerms().stream().map(RandomTerm::structure).toList(),
                again.randomTerms().stream().map(RandomTerm::structure).toList(), text);
    }

    @Property(tries = 200)
    void polyColumnsAreOrthonormalAndOrthogonalToTheConstant(@ForAll @IntRange(min = 1, max = 5) int degree,
                                                            @ForAll @IntRange(min = 8, max = 300) int n,
                                                            @ForAll long seed) {
        Random random = new Random(seed);
        double shift = Math.pow(10, random.nextInt(7)) * (random.nextBoolean() ? 1 : -1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = shift + random.nextInt(40) * 0.25;
        }
        double[][] q = OrthogonalPolynomials.of(x, degree);
        long distinct = java.util.Arrays.stream(x).distinct().count();
        if (degree >= distinct) {
            assertEquals(null, q);
            return;
        }
        assertNotNull(q);
        for (int a = 0; a < degree; a++) {
            double sum = 0;
            for (double v : q[a]) {
                sum += v;
            }
            assertEquals(0, sum, 1e-9);
            for (int b = 0; b < degree; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[a][i] * q[b][i];
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-9);
            }
        }
        // the first column rises with x (R's sign: positive diagonal of R)
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < n; i++) {
            lo = x[i] < x[lo] ? i : lo;
            hi = x[i] > x[hi] ? i : hi;
        }
        assertEquals(true, q[0][hi] > q[0][lo]);
    }
}
