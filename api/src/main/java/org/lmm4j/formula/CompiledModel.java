package org.lmm4j.formula;

import org.lmm4j.model.ModelData;

/**
 * A formula compiled against a table: the model data and the Ω structure its random term asks for
 * ({@code "free"} for {@code (terms | g)}, {@code "diagonal"} for {@code (terms || g)}, null without a random term).
 */
public record CompiledModel(ModelData data, String omegaStructure) {
}
