package org.lmm4j.formula;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed lme4 model formula (docs/DESIGN.md §3): the response, whether X has an intercept, the fixed terms
 * (main effects and interactions, ordered by degree and then by appearance, as R orders them) and the random terms,
 * after expansion, in formula order. Parsing knows nothing about the data; {@link ModelCompiler} turns a formula and
 * a table into the model y = Xβ + Σ_k Z_k b_k + e.
 *
 * <p>The text is read with R's operator precedence ({@code ^} > unary {@code -} > {@code :} > {@code * /} >
 * {@code + -} > {@code | ||} > {@code ~}), then interpreted as R's {@code terms()} does: {@code a*b = a + b + a:b},
 * {@code a/b = a + a:b}, {@code (a + b)^2 = a + b + a:b}, {@code x^2 = x}; {@code 0 +}, {@code + 0} and {@code - 1}
 * remove the intercept; {@code - term} removes a term. A variable is a column, {@code factor(column)}, or a call of
 * {@code log exp sqrt abs sin cos tan log2 log10 log1p expm1 I scale poly} whose arguments are arithmetic
 * ({@code + - * / ^}, parentheses, numbers, {@code pi}). A random term is {@code (terms | g)}, {@code (terms || g)}
 * or {@code name(terms | g)} with a structure name; the grouping {@code g} is a column, an interaction {@code a:b} or a
 * nesting {@code a/b} (the terms {@code a} and {@code b:a}, as lme4's {@code findbars} expands them).
 *
 * @param text         the formula as written
 * @param response     the response column
 * @param intercept    whether X has a column of ones
 * @param terms        the fixed terms, without the intercept
 * @param randomTerms  the random terms after expansion, in formula order (empty for a marginal, gls-type model)
 * @param positions    for every column the formula names, in order of first mention, the 1-based character
 *                     position of that mention (for error messages)
 */
public record Formula(String text, String response, boolean intercept, List<Term> terms, List<RandomTerm> randomTerms,
                      Map<String, Integer> positions) {

    public Formula {
        terms = List.copyOf(terms);
        randomTerms = List.copyOf(randomTerms);
        positions = Collections.unmodifiableMap(new LinkedHashMap<>(positions));
    }

    /**
     * Parses lme4 formula syntax.
     *
     * @throws org.lmm4j.api.InputException naming the offending token and its column, e.g.
     *         {@code formula error at column 18: unbalanced parenthesis in "distance ~ age + (age | Subject"}
     */
    public static Formula parse(String text) {
        return new FormulaParser(text).parse();
    }

    /** Whether the formula has a random term. */
    public boolean hasRandom() {
        return !randomTerms.isEmpty();
    }

    /**
     * The random term of a formula with exactly one, null without any.
     *
     * @throws IllegalStateException when the formula has several (use {@link #randomTerms()})
     */
    public RandomTerm random() {
        if (randomTerms.size() > 1) {
            throw new IllegalStateException("the formula has " + randomTerms.size() + " random terms: " + text);
        }
        return randomTerms.isEmpty() ? null : randomTerms.get(0);
    }

    /** Whether a variable's values depend on all rows of the data ({@code poly}, {@code scale}), not on its own row alone. */
    public boolean dataDependent() {
        java.util.List<Term> all = new java.util.ArrayList<>(terms);
        randomTerms.forEach(r -> all.addAll(r.terms()));
        return all.stream().flatMap(t -> t.variables().stream()).anyMatch(v -> VariableValues.dataDependent(v.expression()));
    }

    @Override
    public String toString() {
        return text;
    }
}
