package org.lmm4j.formula;

import java.util.List;

/**
 * The random part of an lme4 formula, {@code (terms | group)} or {@code (terms || group)}: the columns of
 * Z_i are built from {@code terms} exactly as X_i is built from the fixed terms, and the rows are grouped by
 * the column {@code group}. With {@code |} the random effects b_i ~ N(0, Ω) have a free (unstructured) Ω;
 * with {@code ||} Ω is diagonal.
 *
 * @param intercept  whether Z_i has a column of ones ({@code (1 | g)}, {@code (age | g)}; not {@code (0 + age | g)})
 * @param terms      the terms of Z_i besides the intercept
 * @param group      the grouping column
 * @param diagonal   true for {@code ||} (Ω diagonal), false for {@code |} (Ω free)
 */
public record RandomTerm(boolean intercept, List<Term> terms, String group, boolean diagonal) {

    public RandomTerm {
        terms = List.copyOf(terms);
    }

    /** The name of the Ω structure this term asks for: {@code "diagonal"} or {@code "free"}. */
    public String omegaStructure() {
        return diagonal ? "diagonal" : "free";
    }
}
