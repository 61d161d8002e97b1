package org.lmm4j.app;

import org.lmm4j.api.MixedModel;
import org.lmm4j.app.timing.PhaseClock;
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
        return load(options, plugins, progress, null);
    }

    /** As {@link #load(ModelOptions, Plugins, PhaseProgress)}, also ending the {@code read} and {@code compile} phases of {@code clock} (null: none). */
    static LoadedModel load(ModelOptions options, Plugins plugins, PhaseProgress progress, PhaseClock clock) {
        return load(options, plugins, progress, clock, EarlyRead.none(), () -> { });
    }

    /** The same, taking the table from {@code early} when it read it, and running {@code afterRead} between the two phases. */
    static LoadedModel load(ModelOptions options, Plugins plugins, PhaseProgress progress, PhaseClock clock,
                            EarlyRead early, Runnable afterRead) {
        progress.phase("reading the data");
        DataTable table = options.table(early);
        if (clock != null) {
            clock.end("read");
        }
        afterRead.run();
        progress.phase("compiling the model");
        LoadedModel loaded = new LoadedModel(table, options.model(table, plugins));
        if (clock != null) {
            clock.end("compile");
        }
        return loaded;
    }
}
