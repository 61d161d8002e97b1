package org.lmm4j.formula;

/**
 * One variable of a formula: a column of the data, used as it is (numeric when every cell is a number,
 * a factor when it holds text) or forced to be a factor with {@code factor(x)}.
 *
 * @param column    the column name
 * @param asFactor  true for {@code factor(column)}
 */
public record Variable(String column, boolean asFactor) {

    /** The variable as written in a formula and in column names: {@code age} or {@code factor(age)}. */
    public String label() {
        return asFactor ? "factor(" + column + ")" : column;
    }

    @Override
    public String toString() {
        return label();
    }
}
