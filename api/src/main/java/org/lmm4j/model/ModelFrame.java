package org.lmm4j.model;

import java.util.List;

/**
 * The compiled data of a model with any number of random-effects terms, in row order (docs/DESIGN.md §1):
 * y = Xβ + Σ_k Z_k b_k + e. {@link ModelData} is the per-group form of the same data for one grouping factor;
 * a frame whose terms all nest within one outer factor is regrouped into it, a crossed one into one group of all
 * rows ({@link NestedTerms}).
 *
 * <p>Arrays are owned by the record and must not be modified after construction.
 *
 * @param y               the N responses
 * @param x               the fixed-effects design, N × p, row-major
 * @param fixedNames      names of the p columns of X
 * @param response        name of the response
 * @param terms           the random-effects terms, in formula order ({@code (1 | a/b)} gives {@code a} then {@code b:a})
 * @param occasion        for each row, its occasion 0..T−1 (the index of a structured Σ within the outermost group)
 * @param occasionLabels  labels of the T occasions
 * @param droppedRows     rows dropped because a value the model uses was missing
 * @param notes           facts worth telling the user (reference levels, dropped rows)
 */
public record ModelFrame(double[] y, double[] x, List<String> fixedNames, String response,
                         List<RandomEffectsTerm> terms, int[] occasion, List<String> occasionLabels,
                         int droppedRows, List<String> notes) {

    public ModelFrame {
        fixedNames = List.copyOf(fixedNames);
        terms = List.copyOf(terms);
        occasionLabels = List.copyOf(occasionLabels);
        notes = List.copyOf(notes);
        int n = y.length;
        if (x.length != (long) n * fixedNames.size() || occasion.length != n) {
            throw new IllegalArgumentException("frame arrays do not match its " + n + " rows");
        }
        for (RandomEffectsTerm t : terms) {
            if (t.rows() != n) {
                throw new IllegalArgumentException("term " + t.group() + " has " + t.rows() + " rows, the frame " + n);
            }
        }
    }

    /** N, the number of observations. */
    public int observations() {
        return y.length;
    }

    /** p, the number of fixed effects. */
    public int p() {
        return fixedNames.size();
    }
}
