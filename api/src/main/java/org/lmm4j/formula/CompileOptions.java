package org.lmm4j.formula;

import java.util.Set;

/**
 * How rows become groups and occasions when a formula is compiled, and which Ω structures a formula may name.
 *
 * @param timeColumn   column whose distinct values are the occasions of a structured Σ (sorted numerically
 *                     when numeric, else in order of appearance); null: occasions are positions within the group
 * @param groupColumn  grouping column for a marginal model (no random term); null: taken from the random term,
 *                     or, without one, every row is its own group
 * @param structures   the names of the covariance structures that exist (the discovered plug-ins); a structure a
 *                     formula names ({@code cs(1 + t | g)}, after glmmTMB's names us, diag, toep are mapped to free,
 *                     diagonal, toeplitz) must be one of them, else the error lists them; null: names are not checked
 *                     here (the caller looks them up)
 * @param coding       null for a whole data set; for one part of a larger one, the whole data's levels and occasions
 */
public record CompileOptions(String timeColumn, String groupColumn, Set<String> structures, Coding coding)
        implements java.io.Serializable {

    public CompileOptions {
        structures = structures == null ? null : Set.copyOf(structures);
    }

    /** Options for a whole data set. */
    public CompileOptions(String timeColumn, String groupColumn, Set<String> structures) {
        this(timeColumn, groupColumn, structures, null);
    }

    /** The same options for one part of a larger data set, coded as the whole. */
    public CompileOptions withCoding(Coding c) {
        return new CompileOptions(timeColumn, groupColumn, structures, c);
    }

    /** Time and group columns, structure names not checked. */
    public CompileOptions(String timeColumn, String groupColumn) {
        this(timeColumn, groupColumn, null);
    }

    /** No time column, no explicit grouping, structure names not checked. */
    public static CompileOptions none() {
        return new CompileOptions(null, null, null);
    }

    /** The same options with the known structure names. */
    public CompileOptions withStructures(Set<String> names) {
        return new CompileOptions(timeColumn, groupColumn, names, coding);
    }
}
