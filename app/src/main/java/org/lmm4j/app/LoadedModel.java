package org.lmm4j.app;

import org.lmm4j.api.MixedModel;
import org.lmm4j.app.output.PhaseProgress;
import org.lmm4j.data.DataTable;

/**
 * The table and the model a command fits, read and compiled with the progress of each phase shown.
 *
 * @param table the data read
 * @param model the model compiled on it
 */
record LoadedModel(DataTable table, MixedModel model) {

    /** Reads the table of {@code options} and compiles its model, each phase announced to {@code progress}. */
    static LoadedModel load(ModelOptions options, Plugins plugins, PhaseProgress progress) {
        progress.phase("reading the data");
        DataTable table = options.table();
        progress.phase("compiling the model");
        return new LoadedModel(table, options.model(table, plugins));
    }
}
