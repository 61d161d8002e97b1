package org.lmm4j.formula;

import java.util.Set;

/**
 * One variable of a formula, as R's {@code terms()} lists them: a column of the data used as it is (numeric when
 * every cell is a number, a factor when it holds text), a factor forced with {@code factor(x)}, or an expression of
 * columns ({@code log(age)}, {@code I(age^2)}, {@code scale(x)}, {@code poly(age, 2)}). Its label is the expression as R
 * deparses it, which is also the stem of its design columns' names in R's {@code model.matrix}.
 *
 * @param expression  what the variable computes from the data
 * @param asFactor    true for {@code factor(column)}
 */
public record Variable(Expression expression, boolean asFactor) {

    /** A column used as it is, or as a factor. */
    public Variable(String column, boolean asFactor) {
        this(new Expression.Column(column), asFactor);
    }

    /** The variable as written in a formula and in column names: {@code age}, {@code factor(age)}, {@code log(age)}. */
    public String label() {
        return asFactor ? "factor(" + expression.deparse() + ")" : expression.deparse();
    }

    /** The data columns the variable reads. */
    public Set<String> columns() {
        return expression.columns();
    }

    /** Whether the variable is a column used as it is (numeric or factor by its cells), not an expression. */
    public boolean plainColumn() {
        return expression instanceof Expression.Column;
    }

    @Override
    public String toString() {
        return label();
    }
}
