package org.lmm4j.app;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.InputException;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Refuses, before anything is fitted, a structured Σ whose matrices cannot fit in the heap. A structured Σ works on
 * the T×T matrix Σ over the occasions and on each group's m_i×m_i block V_i = Z_iΩZ_i' + Σ[t_i, t_i] (docs/DESIGN.md §1), so
 * it needs at least 8·(2T² + 3m²) bytes (Σ and one working copy; V_i, its Cholesky factor and one working copy for the
 * largest group, m = max m_i), a lower bound of what the estimators use. Beyond the heap's maximum the fit would run
 * out of memory after minutes; this says at once which group and how many occasions, and that a scalar Σ (σ²I,
 * linear in a group's size) does not need them.
 */
final class StructuredSigmaBudget {

    private StructuredSigmaBudget() {
    }

    /** Bytes that Σ's T×T matrices and the largest group's m×m blocks need at least. */
    static double bytesNeeded(int occasions, int largestGroup) {
        double t = occasions;
        double m = largestGroup;
        return 8 * (2 * t * t + 3 * m * m);
    }

    /**
     * Throws an {@link InputException} when Σ is structured and its matrices need more than {@code maxHeapBytes}.
     */
    static void check(ModelData data, CovarianceStructure sigma, long maxHeapBytes) {
        if (sigma.isScalar() || data.groups().isEmpty()) {
            return;
        }
        Group largest = data.groups().get(0);
        for (Group g : data.groups()) {
            if (g.size() > largest.size()) {
                largest = g;
            }
        }
        double need = bytesNeeded(data.occasions(), largest.size());
        if (need <= maxHeapBytes) {
            return;
        }
        throw new InputException("--residual " + sigma.name() + " over T = " + data.occasions() + " occasions, with "
                + largest.size() + " rows in the largest group (\"" + largest.id() + "\"), needs at least "
                + gigabytes(need) + " of heap for its T×T and m×m matrices, and this JVM may use " + gigabytes(maxHeapBytes)
                + ": use --residual scalar (Σ = σ²I, whose cost is linear in a group's size), a --time column with "
                + "fewer distinct values, or more heap (JAVA_OPTS=-Xmx...)");
    }

    private static String gigabytes(double bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (1L << 30));
    }
}
