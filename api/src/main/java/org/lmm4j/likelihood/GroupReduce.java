package org.lmm4j.likelihood;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.lmm4j.model.Group;

/**
 * Map-reduce over groups: each chunk of groups accumulates into its own accumulator, chunks run on
 * the common fork-join pool when the data are large enough to pay for it, and the accumulators are
 * merged in chunk order (so results do not depend on thread timing).
 */
public final class GroupReduce {

    /** Below this many observations the work stays on the calling thread. */
    public static final int PARALLEL_THRESHOLD = 20_000;

    private GroupReduce() {
    }

    public static <A> A reduce(List<Group> groups, int observations, Supplier<A> make, BiConsumer<A, Group> add,
                        BinaryOperator<A> merge) {
        int n = groups.size();
        if (observations < PARALLEL_THRESHOLD || n < 64) {
            A acc = make.get();
            for (Group g : groups) {
                add.accept(acc, g);
            }
            return acc;
        }
        int chunks = Math.min(n, 4 * Runtime.getRuntime().availableProcessors());
        return IntStream.range(0, chunks).parallel().mapToObj(c -> {
            A acc = make.get();
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            for (int i = from; i < to; i++) {
                add.accept(acc, groups.get(i));
            }
            return acc;
        }).reduce(merge).orElseGet(make);
    }
}
