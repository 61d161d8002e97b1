package org.lmm4j.likelihood;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.lmm4j.model.Group;

/**
 * Deterministic map-reduce over groups. The groups are cut into a fixed partition that depends only on
 * the number of groups (chunks of {@link #CHUNK} consecutive groups), each chunk accumulates into its own
 * accumulator, and the accumulators are merged left to right in chunk order. Floating-point sums are
 * therefore the same on one thread or on many, whatever the pool's parallelism (docs/DESIGN.md §4: the same fit on
 * 1, 2 or 8 threads is bit-identical); only the scheduling is parallel, above {@link #PARALLEL_THRESHOLD}
 * observations.
 */
public final class GroupReduce {

    /** Below this many observations the chunks run one after the other on the calling thread. */
    public static final int PARALLEL_THRESHOLD = 20_000;

    /** Groups per chunk: the fixed partition. */
    static final int CHUNK = 256;

    private GroupReduce() {
    }

    /** Adds group {@code index} to an accumulator, with scratch space owned by the chunk. */
    @FunctionalInterface
    interface IndexedStep<A, S> {
        void add(A acc, S scratch, int index);
    }

    /** Reduces {@code groups} with {@code add}, merging chunk accumulators in chunk order. */
    public static <A> A reduce(List<Group> groups, int observations, Supplier<A> make, BiConsumer<A, Group> add,
                               BinaryOperator<A> merge) {
        return reduce(groups.size(), observations, make, () -> null, (A acc, Object s, int i) -> add.accept(acc,
                groups.get(i)), merge);
    }

    /** f(0..n−1) into a list in index order, computed on both cores above {@link #PARALLEL_THRESHOLD} observations. */
    public static <T> List<T> map(int n, int observations, java.util.function.IntFunction<T> f) {
        @SuppressWarnings("unchecked")
        T[] out = (T[]) new Object[n];
        IntStream range = IntStream.range(0, n);
        if (observations >= PARALLEL_THRESHOLD && n > CHUNK) {
            range = range.parallel();
        }
        range.forEach(i -> out[i] = f.apply(i));
        return java.util.Arrays.asList(out);
    }

    /** Reduces the group indices 0..n−1, each chunk with its own accumulator and scratch. */
    static <A, S> A reduce(int n, int observations, Supplier<A> make, Supplier<S> scratch, IndexedStep<A, S> step,
                           BinaryOperator<A> merge) {
        int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
        IntStream range = IntStream.range(0, chunks);
        if (observations >= PARALLEL_THRESHOLD && chunks > 1) {
            range = range.parallel();
        }
        @SuppressWarnings("unchecked")
        A[] parts = (A[]) new Object[chunks];
        range.forEach(c -> {
            A acc = make.get();
            S s = scratch.get();
            int to = Math.min(n, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < to; i++) {
                step.add(acc, s, i);
            }
            parts[c] = acc;
        });
        A out = parts[0];
        for (int c = 1; c < chunks; c++) {
            out = merge.apply(out, parts[c]);
        }
        return out;
    }
}
