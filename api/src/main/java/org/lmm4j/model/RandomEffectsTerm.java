package org.lmm4j.model;

import java.util.List;

/**
 * One random-effects term of a model with several (docs/DESIGN.md §1; lme4's {@code reTrms}): a grouping factor
 * (or an interaction of factors, {@code batch:cask}) whose L_k levels each carry q_k random effects
 * b_kl ~ N(0, Ω_k), with Ω_k from the named structure. The term's part of Z is the N × (L_k q_k) matrix whose row j
 * holds {@code z[j, ·]} in the columns of level {@code levelOfRow[j]} and zeros elsewhere (the Khatri–Rao form of
 * Bates et al. 2015, J. Stat. Softw. 67(1), §2.3), so it is stored as the N × q_k rows and the level codes, never
 * as the wide matrix.
 *
 * <p>Arrays are owned by the record and must not be modified after construction.
 *
 * @param group        the term's grouping as lme4 prints it: {@code Subject}, {@code cask:batch}
 * @param factors      the grouping columns whose interaction defines the levels, outermost first
 * @param levels       the L_k level labels, in order of first appearance
 * @param levelOfRow   for each of the N model rows, its level 0..L_k−1
 * @param columnNames  the names of the q_k columns ({@code (Intercept)}, {@code Days})
 * @param z            the term's design rows, N × q_k, row-major
 * @param structure    the name of Ω_k's {@link org.lmm4j.api.CovarianceStructure} ({@code free}, {@code diagonal},
 *                     {@code cs}, {@code ar1}, {@code toeplitz} or a plug-in's name)
 */
public record RandomEffectsTerm(String group, List<String> factors, List<String> levels, int[] levelOfRow,
                                List<String> columnNames, double[] z, String structure) {

    public RandomEffectsTerm {
        factors = List.copyOf(factors);
        levels = List.copyOf(levels);
        columnNames = List.copyOf(columnNames);
        if (columnNames.isEmpty()) {
            throw new IllegalArgumentException("term " + group + " has no columns");
        }
        if (z.length != (long) levelOfRow.length * columnNames.size()) {
            throw new IllegalArgumentException("term " + group + ": z holds " + z.length + " values for "
                    + levelOfRow.length + " rows of " + columnNames.size() + " columns");
        }
    }

    /** q_k, the number of random effects per level. */
    public int q() {
        return columnNames.size();
    }

    /** L_k, the number of levels. */
    public int levelCount() {
        return levels.size();
    }

    /** N, the number of rows. */
    public int rows() {
        return levelOfRow.length;
    }
}
