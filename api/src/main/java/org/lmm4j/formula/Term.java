package org.lmm4j.formula;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One term of a model formula: a main effect ({@code age}) or an interaction ({@code Sex:age}) — a set of
 * variables, listed in the order they first appear in the formula (as R's {@code terms()} does). The intercept
 * is not a term here; {@link Formula#intercept()} says whether the model has one.
 *
 * @param variables  the distinct variables of the term (at least one)
 */
public record Term(List<Variable> variables) {

    public Term {
        variables = List.copyOf(variables);
        if (variables.isEmpty()) {
            throw new IllegalArgumentException("a term needs at least one variable");
        }
    }

    /** The number of variables (1 for a main effect, 2 for a two-way interaction, ...). */
    public int degree() {
        return variables.size();
    }

    /** The term as written in R: variables joined by {@code :}. */
    public String label() {
        return variables.stream().map(Variable::label).collect(Collectors.joining(":"));
    }

    @Override
    public String toString() {
        return label();
    }
}
