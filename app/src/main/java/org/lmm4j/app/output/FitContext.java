package org.lmm4j.app.output;

import java.util.List;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.ModelData;

/**
 * What a fit report says about the model besides the {@link org.lmm4j.api.FitResult} itself: the
 * formula as typed, where the data came from, the grouping factor, how many rows were dropped for
 * missing values, the notes (reference levels of factors, covariates to centre) and, for several random terms
 * (nested within one factor, or crossed), the terms (to report Ω and the BLUPs term by term).
 *
 * @param formula      the model formula, or null when the model was built without one
 * @param data         the data source (file name, or the bundled data set), or null
 * @param grouping     the grouping factor's name, or null
 * @param droppedRows  rows dropped because a value the model uses was missing
 * @param notes        sentences from the model compiler
 * @param terms        Ω of several nested terms (or crossed ones as one group) with their layout
 *                     ({@link TermBlocks#layout()} not null), or of large crossed terms ({@link TermBlocks#crossed()}
 *                     not null), or null
 */
public record FitContext(String formula, String data, String grouping, int droppedRows, List<String> notes,
                         TermBlocks terms) {

    public FitContext {
        notes = notes == null ? List.of() : List.copyOf(notes);
        terms = terms == null || terms.layout() == null && terms.crossed() == null ? null : terms;
    }

    /** A context without random terms to report one by one. */
    public FitContext(String formula, String data, String grouping, int droppedRows, List<String> notes) {
        this(formula, data, grouping, droppedRows, notes, null);
    }

    /**
     * The context of a model compiled from {@code formula} on the data named {@code data}; the notes are the
     * compiler's and {@link DesignAdvice}'s (covariates to centre).
     */
    public static FitContext of(String formula, String data, ModelData model) {
        List<String> notes = new java.util.ArrayList<>(model.notes());
        notes.addAll(DesignAdvice.notes(model));
        return new FitContext(formula, data, model.grouping(), model.droppedRows(), notes);
    }

    /** As {@link #of(String, String, ModelData)}, with the model's terms when it has several. */
    public static FitContext of(String formula, String data, MixedModel model) {
        FitContext c = of(formula, data, model.data());
        return model.randomEffects() instanceof TermBlocks tb
                ? new FitContext(c.formula(), c.data(), c.grouping(), c.droppedRows(), c.notes(), tb) : c;
    }

    /** A model built without a formula (e.g. simulated data); only its frame is known. */
    public static FitContext of(ModelData model) {
        return of(null, null, model);
    }
}
