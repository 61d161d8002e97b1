package org.lmm4j.formula;

/**
 * How rows become groups and occasions when a formula is compiled.
 *
 * @param timeColumn   column whose distinct values are the occasions of a structured Σ (sorted numerically
 *                     when numeric, else in order of appearance); null: occasions are positions within the group
 * @param groupColumn  grouping column for a marginal model (no random term); null: taken from the random term,
 *                     or, without one, every row is its own group
 */
public record CompileOptions(String timeColumn, String groupColumn) {

    /** No time column, no explicit grouping. */
    public static CompileOptions none() {
        return new CompileOptions(null, null);
    }
}
