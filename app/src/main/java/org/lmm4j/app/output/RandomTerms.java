package org.lmm4j.app.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.FitResult;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.NestedTerms;

/**
 * The random terms of a fit with several terms, nested within one factor or crossed (one group of all rows, or the
 * blocked path of large crossed designs), one by one (docs/DESIGN.md §3, issue 13):
 * what lme4's {@code VarCorr} and {@code ranef} show, read off the per-group fit through the regrouping
 * ({@link NestedTerms}): Ω̂_k from the first slot of term k, the BLUPs of each real level (padded slots are not levels).
 *
 * @param terms the terms, in the formula's order
 */
public record RandomTerms(List<Term> terms) {

    /**
     * One term.
     *
     * @param label      lme4's label ({@code Subject}, {@code Subject.1}, {@code cask:batch})
     * @param grouping   the grouping factor as written ({@code Subject}, {@code cask:batch})
     * @param structure  Ω_k's structure name
     * @param levels     the number of levels of the grouping factor
     * @param names      the q_k column names
     * @param omega      Ω̂_k (q_k × q_k)
     * @param effects    the BLUPs by level, in the order of the levels
     */
    public record Term(String label, String grouping, String structure, int levels, List<String> names,
                       double[][] omega, Map<String, double[]> effects) {
    }

    public RandomTerms {
        terms = List.copyOf(terms);
    }

    /** The terms of a fit of the model whose Ω is {@code blocks} (built for a regrouped frame). */
    public static RandomTerms of(FitResult r, TermBlocks blocks) {
        NestedTerms layout = blocks.layout();
        List<Term> out = new ArrayList<>();
        if (layout == null && blocks.crossed() != null) {
            // crossed terms on the blocked path: Ω = blockdiag(Ω_1, …, Ω_K), one copy each; BLUPs by term and level
            org.lmm4j.model.CrossedTerms crossed = blocks.crossed();
            List<double[][]> effects = r.termEffects();
            for (int k = 0; k < blocks.blocks().size(); k++) {
                org.lmm4j.model.RandomEffectsTerm t = crossed.frame().terms().get(k);
                Map<String, double[]> byLevel = new java.util.LinkedHashMap<>();
                for (int l = 0; k < effects.size() && l < t.levelCount(); l++) {
                    byLevel.put(t.levels().get(l), effects.get(k)[l]);
                }
                out.add(new Term(crossed.labels().get(k), t.group(), blocks.blocks().get(k).structure().name(),
                        t.levelCount(), t.columnNames(), blocks.termMatrix(r.omega(), k), byLevel));
            }
            return new RandomTerms(out);
        }
        double[][] blups = r.randomEffects();
        for (int k = 0; k < layout.terms().size(); k++) {
            NestedTerms.Term t = layout.terms().get(k);
            out.add(new Term(t.label(), t.term().group(), blocks.blocks().get(k).structure().name(),
                    t.term().levelCount(), t.term().columnNames(), layout.omega(k, r.omega()),
                    blups == null || blups.length == 0 ? Map.of() : layout.effects(k, blups)));
        }
        return new RandomTerms(out);
    }

    /** The terms in lme4's order: by decreasing number of levels, ties in the formula's order. */
    public List<Term> byLevels() {
        List<Term> out = new ArrayList<>(terms);
        out.sort(Comparator.comparingInt(Term::levels).reversed());
        return out;
    }

    /** lme4's "groups:" list: each grouping factor once, with its number of levels, in {@link #byLevels()} order. */
    public String groupCounts() {
        List<String> seen = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        for (Term t : byLevels()) {
            if (!seen.contains(t.grouping())) {
                seen.add(t.grouping());
                s.append(s.length() == 0 ? "" : "; ").append(t.grouping()).append(", ").append(t.levels());
            }
        }
        return s.toString();
    }
}
