package org.lmm4j.spark;

import java.io.Serializable;
import java.util.List;
import org.lmm4j.likelihood.CriterionPath;
import org.lmm4j.model.Group;

/**
 * One partition's share of the criterion, built once by the reduction and cached: the partition's groups in
 * working coordinates behind the same {@link CriterionPath} the in-process fit uses (sufficient statistics for
 * Σ = σ²I, the block path otherwise), and the number of the partition's first group among all groups.
 *
 * @param index  the partition's index
 * @param first  the global number of its first group (groups are numbered partition by partition)
 * @param path   the sums over its groups
 */
record Part(int index, int first, CriterionPath path) implements Serializable {

    /** The partition's groups, in working coordinates, on the path the model's rule chooses. */
    static Part of(int index, int first, List<Group> working, int p, int q, boolean sufficientStatistics) {
        return new Part(index, first, CriterionPath.forGroups(working, p, q, sufficientStatistics));
    }
}
