package org.lmm4j.spark;

/** Counts the distributed evaluations (treeAggregates) of one fit, on the driver. */
final class EvaluationCounter {

    private int count;

    void add() {
        count++;
    }

    int evaluations() {
        return count;
    }
}
