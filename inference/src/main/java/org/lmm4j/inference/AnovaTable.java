package org.lmm4j.inference;

import java.util.List;

/**
 * A likelihood-ratio comparison of nested models, in the order of increasing npar, with the sentences a reader
 * needs (REML fits refitted by ML; p-values conservative for variances tested on their boundary).
 */
public record AnovaTable(List<AnovaRow> rows, List<String> notes) {

    public AnovaTable {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }
}
