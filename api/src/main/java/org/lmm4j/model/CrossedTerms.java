package org.lmm4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.InputException;

/**
 * A frame whose random terms are crossed (no one factor holds the others within its levels) and large, fitted on the
 * blocked penalised-least-squares path ({@link org.lmm4j.likelihood.pls.BlockedPenalisedLeastSquares}; docs/DESIGN.md
 * §8, issue 13). V = σ²I + Σ_k Z_k(I ⊗ Ω_k)Z_k' is then not block-diagonal by any factor: the data are one group.
 *
 * <p>The per-group {@link ModelData} of such a model ({@link #data}) is that one group with the N rows of y and X and,
 * as its "Z", the terms' design rows side by side (N × Σ q_k, term k's q_k columns at {@link #columnOffset}): it carries
 * the names, sizes and scale the optimisation core reads, but it is not the model's Z (the level codes are in the
 * frame), and the likelihood is never computed from it: {@link org.lmm4j.likelihood.ProfiledDeviance} sends a model
 * with crossed terms to the blocked path. Ω of the per-group view is blockdiag(Ω_1, …, Ω_K), one copy per term.
 *
 * @param frame   the frame, its terms in formula order
 * @param labels  lme4's labels of the terms
 */
public record CrossedTerms(ModelFrame frame, List<String> labels) {

    public CrossedTerms {
        labels = List.copyOf(labels);
    }

    /** Q = Σ_k L_k q_k of a frame. */
    public static long randomEffects(ModelFrame frame) {
        long q = 0;
        for (RandomEffectsTerm t : frame.terms()) {
            q += (long) t.levelCount() * t.q();
        }
        return q;
    }

    /**
     * True when the frame's terms are crossed and too large for the dense one-group path
     * ({@link NestedTerms#fitsOneGroup}): the one place where the choice is made.
     */
    public static boolean usesBlockedPath(ModelFrame frame) {
        return !frame.terms().isEmpty() && NestedTerms.outerTerm(frame) < 0 && !NestedTerms.fitsOneGroup(frame);
    }

    /**
     * The crossed terms of a frame.
     *
     * @throws IllegalArgumentException when the terms nest, or fit the one-group path
     */
    public static CrossedTerms of(ModelFrame frame) {
        if (!usesBlockedPath(frame)) {
            List<String> names = new ArrayList<>();
            for (RandomEffectsTerm t : frame.terms()) {
                names.add(t.group());
            }
            throw new IllegalArgumentException("crossed random terms (" + String.join(", ", names) + ") with "
                    + randomEffects(frame) + " random effects fit the one-group path, not the blocked one");
        }
        return forFrame(frame);
    }

    /** The terms of a frame with lme4's labels, whatever its size (tests force the blocked path with it). */
    public static CrossedTerms forFrame(ModelFrame frame) {
        return new CrossedTerms(frame, NestedTerms.labels(frame.terms()));
    }

    /** The first column of term k in the per-group view's Z and Ω. */
    public int columnOffset(int k) {
        int c = 0;
        for (int j = 0; j < k; j++) {
            c += frame.terms().get(j).q();
        }
        return c;
    }

    /** The one-group {@link ModelData} view of the frame (see the class comment). */
    public ModelData data() {
        ModelFrame f = frame;
        int n = f.observations();
        int width = columnOffset(f.terms().size());
        double[] z = new double[n * width];
        List<String> randomNames = new ArrayList<>();
        for (int k = 0; k < f.terms().size(); k++) {
            RandomEffectsTerm t = f.terms().get(k);
            int o = columnOffset(k);
            for (int j = 0; j < n; j++) {
                System.arraycopy(t.z(), j * t.q(), z, j * width + o, t.q());
            }
            for (String c : t.columnNames()) {
                randomNames.add(c + "|" + labels.get(k));
            }
        }
        Group all = new Group("all", f.y(), f.x(), z, new int[n]);
        return new ModelData(List.of(all), f.fixedNames(), randomNames, f.response(), null, List.of("1"),
                f.droppedRows(), f.notes());
    }

    /** The number of levels of each term, by label (lme4's "groups: s, 2972"). */
    public Map<String, Integer> levelCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int k = 0; k < frame.terms().size(); k++) {
            out.put(labels.get(k), frame.terms().get(k).levelCount());
        }
        return out;
    }
}
