package org.lmm4j.formula;

import org.lmm4j.model.ModelData;

/**
 * A formula compiled against a table: the model data and the Ω structure its random term asks for
 * ({@code "free"} for {@code (terms | g)}, {@code "diagonal"} for {@code (terms || g)}, null without a random term).
 *
 * @param fingerprint  the table's fingerprint (a hash of the bytes read, {@link org.lmm4j.data.DataTable#fingerprint}),
 *                     null when the table was not read from bytes
 */
public record CompiledModel(ModelData data, String omegaStructure, String fingerprint) {

    /** A compiled model without a fingerprint. */
    public CompiledModel(ModelData data, String omegaStructure) {
        this(data, omegaStructure, null);
    }
}
