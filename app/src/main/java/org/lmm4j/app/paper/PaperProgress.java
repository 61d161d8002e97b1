package org.lmm4j.app.paper;

/** Told after every fit of the paper's analysis, so a command can show progress. */
@FunctionalInterface
public interface PaperProgress {

    /** {@code done} of {@code total} fits are finished; {@code what} names the last one. */
    void fitted(int done, int total, String what);

    /** Progress that goes nowhere. */
    static PaperProgress none() {
        return (done, total, what) -> { };
    }
}
