package org.lmm4j.spark;

import java.io.Serializable;

/**
 * Called on the executor before a partition's share of an evaluation is computed: a hook for monitoring and for tests
 * that make a task fail (Spark then reruns it, and the fit must not change). The default does nothing.
 */
@FunctionalInterface
public interface PartitionProbe extends Serializable {

    /** Nothing. */
    PartitionProbe NONE = partition -> { };

    /** Partition {@code partition} is about to be evaluated (in a task, on an executor). */
    void evaluating(int partition) throws Exception;
}
