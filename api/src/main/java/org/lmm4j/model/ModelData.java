package org.lmm4j.model;

import java.util.List;

/**
 * A compiled model frame: the data split into groups, with the names of the columns of X and Z
 * and the labels of the T occasions. Built by {@link org.lmm4j.formula.ModelCompiler} from a
 * formula and a {@link org.lmm4j.data.DataTable}, or directly by tests and simulations.
 *
 * @param groups          the groups i = 1..n, in order of first appearance
 * @param fixedNames      names of the p columns of X (e.g. {@code (Intercept)}, {@code SexFemale})
 * @param randomNames     names of the q columns of Z (empty for a marginal model)
 * @param response        name of the response
 * @param grouping        name of the grouping factor ({@code null} when every row is its own group)
 * @param occasionLabels  labels of the T occasions (values of the time column, or positions 1..T)
 * @param droppedRows     rows dropped because a value the model uses was missing
 * @param notes           facts worth telling the user (reference levels, dropped rows)
 * @param summary         null when {@code groups} holds the data; for data whose groups live elsewhere (a
 *                        distributed data set, docs/DESIGN.md §6) {@code groups} is empty and this holds the
 *                        counts and moments the host needs
 */
public record ModelData(List<Group> groups, List<String> fixedNames, List<String> randomNames,
                        String response, String grouping, List<String> occasionLabels,
                        int droppedRows, List<String> notes, DataMoments summary) implements java.io.Serializable {

    public ModelData {
        groups = List.copyOf(groups);
        fixedNames = List.copyOf(fixedNames);
        randomNames = List.copyOf(randomNames);
        occasionLabels = List.copyOf(occasionLabels);
        notes = List.copyOf(notes);
        if (summary != null && !groups.isEmpty()) {
            throw new IllegalArgumentException("a model's data are either its groups or a summary of groups elsewhere");
        }
    }

    /** The data of the groups given. */
    public ModelData(List<Group> groups, List<String> fixedNames, List<String> randomNames, String response,
                     String grouping, List<String> occasionLabels, int droppedRows, List<String> notes) {
        this(groups, fixedNames, randomNames, response, grouping, occasionLabels, droppedRows, notes, null);
    }

    /** True when the groups live elsewhere and only their {@link #summary} is here. */
    public boolean distributed() {
        return summary != null;
    }

    /** p, the number of fixed effects. */
    public int p() {
        return fixedNames.size();
    }

    /** q, the number of random effects per group (0 for a marginal model). */
    public int q() {
        return randomNames.size();
    }

    /** T, the number of occasions. */
    public int occasions() {
        return occasionLabels.size();
    }

    /** n, the number of groups. */
    public int groupCount() {
        return summary != null ? summary.groups() : groups.size();
    }

    /** N, the number of observations. */
    public int observations() {
        if (summary != null) {
            return summary.rows();
        }
        int n = 0;
        for (Group g : groups) {
            n += g.size();
        }
        return n;
    }
}
