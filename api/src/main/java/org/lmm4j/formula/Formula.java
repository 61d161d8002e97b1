package org.lmm4j.formula;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed lme4 model formula (docs/DESIGN.md §3): the response, whether X has an intercept, the fixed terms
 * (main effects and interactions, ordered by degree and then by appearance, as R orders them) and at most one
 * random term. Parsing knows nothing about the data; {@link ModelCompiler} turns a formula and a table into
 * the per-group y_i, X_i, Z_i and occasion index t_i of the model y_i = X_i β + Z_i b_i + e_i.
 *
 * <p>Grammar: {@code formula := name '~' sum}; {@code sum := ['+'|'-'] summand (('+'|'-') summand)*};
 * {@code summand := '0' | '1' | '(' sum ('|'|'||') name ')' | product}; {@code product := interaction ('*'
 * interaction)*}; {@code interaction := atom (':' atom)*}; {@code atom := name | 'factor(' name ')' | '(' sum ')'}.
 * {@code a*b} is {@code a + b + a:b}; {@code 0 +}, {@code + 0} and {@code - 1} remove the intercept.
 *
 * @param text       the formula as written
 * @param response   the response column
 * @param intercept  whether X has a column of ones
 * @param terms      the fixed terms, without the intercept
 * @param random     the random term, or null for a marginal (gls-type) model
 * @param positions  for every column the formula names, in order of first mention, the 1-based character
 *                   position of that mention (for error messages)
 */
public record Formula(String text, String response, boolean intercept, List<Term> terms, RandomTerm random,
                      Map<String, Integer> positions) {

    public Formula {
        terms = List.copyOf(terms);
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
        return random != null;
    }

    @Override
    public String toString() {
        return text;
    }
}
