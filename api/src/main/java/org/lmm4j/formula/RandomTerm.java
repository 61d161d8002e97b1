package org.lmm4j.formula;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One random term of an lme4 formula after expansion ({@code (1 | a/b)} is the two terms {@code (1 | a)} and
 * {@code (1 | b:a)}): the columns of its design Z_k are built from {@code terms} exactly as X is built from the fixed
 * terms, and its rows are grouped by the levels of one column or of the interaction of several. Its random effects
 * b_kl ~ N(0, Ω_k), with Ω_k from the named structure: {@code |} and {@code us(...)} free, {@code ||} and
 * {@code diag(...)} diagonal, {@code cs(...)}, {@code ar1(...)}, {@code toep(...)} (toeplitz) or a plug-in's name.
 *
 * @param intercept          whether Z_k has a column of ones ({@code (1 | g)}, {@code (age | g)}; not {@code (0 + age | g)})
 * @param terms              the terms of Z_k besides the intercept
 * @param group              the grouping as lme4 prints it: {@code Subject}, {@code a:b}, {@code b:a}, {@code c:(b:a)}
 * @param factors            the grouping columns in the order of {@code group}'s text (the order of a level's label)
 * @param nesting            the same columns, outermost first ({@code a, b} for {@code b:a})
 * @param structure          the lmm4j name of Ω_k's structure ({@code free}, {@code diagonal}, {@code cs}, ...)
 * @param structurePosition  the 1-based column of the structure's name in the formula, 0 when none was written
 */
public record RandomTerm(boolean intercept, List<Term> terms, String group, List<String> factors, List<String> nesting,
                         String structure, int structurePosition) {

    public RandomTerm {
        terms = List.copyOf(terms);
        factors = List.copyOf(factors);
        nesting = List.copyOf(nesting);
    }

    /** The name of the Ω structure this term asks for. */
    public String omegaStructure() {
        return structure;
    }

    /** The term as lme4 would print it after expansion: {@code (1 + age | Subject)}, {@code cs(1 + t | g)}. */
    public String label() {
        String lhs = (intercept ? "1" : "0") + terms.stream().map(t -> " + " + t.label()).collect(Collectors.joining());
        String bar = "(" + lhs + " | " + group + ")";
        return switch (structure) {
            case "free" -> bar;
            case "diagonal" -> "(" + lhs + " || " + group + ")";
            default -> structure + bar;
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
