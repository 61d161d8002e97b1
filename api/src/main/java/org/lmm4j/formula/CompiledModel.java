package org.lmm4j.formula;

import org.lmm4j.model.ModelData;
import org.lmm4j.model.ModelFrame;

/**
 * A formula compiled against a table. A marginal model or one with one random term is {@code data}, the per-group
 * form, with the Ω structure its term asks for ({@code "free"} for {@code (terms | g)} and {@code us(...)},
 * {@code "diagonal"} for {@code (terms || g)} and {@code diag(...)}, {@code "cs"}, ...; null without a random term).
 * A model with two or more random terms after expansion ({@code (1 | a/b)} is two) is {@code frame}, in row order
 * with each term's structure in it; then {@code data} and {@code omegaStructure} are null.
 *
 * @param fingerprint  the table's fingerprint (a hash of the bytes read, {@link org.lmm4j.data.DataTable#fingerprint}),
 *                     null when the table was not read from bytes
 * @param frame        the model with several random terms, null otherwise
 */
public record CompiledModel(ModelData data, String omegaStructure, String fingerprint, ModelFrame frame) {

    public CompiledModel {
        if ((data == null) == (frame == null)) {
            throw new IllegalArgumentException("a compiled model is either per-group data or a frame of several terms");
        }
    }

    /** A compiled model of at most one random term. */
    public CompiledModel(ModelData data, String omegaStructure, String fingerprint) {
        this(data, omegaStructure, fingerprint, null);
    }

    /** A compiled model of at most one random term, without a fingerprint. */
    public CompiledModel(ModelData data, String omegaStructure) {
        this(data, omegaStructure, null, null);
    }

    /** Whether the model has several random terms (and is compiled to {@link #frame()}). */
    public boolean multiTerm() {
        return frame != null;
    }
}
