package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupReduce#map}: f(0..n−1) in index order, each index computed once, the same list on pools of
 * parallelism 1 and 2 above the parallel threshold, and on the calling thread alone below it.
 */
class GroupReduceMapTest {

    /** A value that depends on the index only, with some floating-point work in it. */
    private static double f(int i) {
        double s = 0;
        for (int k = 1; k <= 50; k++) {
            s += Math.sin(i * 0.001 * k) / k;
        }
        return s;
    }

    @Test
    void resultsAreInIndexOrderAndTheSameOnOneAndTwoThreads() throws Exception {
        int n = 10 * GroupReduce.CHUNK + 37;
        int observations = GroupReduce.PARALLEL_THRESHOLD;
        for (int threads : new int[] {1, 2}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                Set<Integer> seen = ConcurrentHashMap.newKeySet();
                List<Double> out = pool.submit(() -> GroupReduce.map(n, observations, i -> {
                    assertTrue(seen.add(i), "index " + i + " computed twice");
                    return f(i);
                })).get();
                assertEquals(n, out.size());
                assertEquals(n, seen.size());
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(f(i)), Double.doubleToRawLongBits(out.get(i)),
                            "index " + i + " on " + threads + " threads");
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void belowTheThresholdEveryIndexRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = GroupReduce.map(3 * GroupReduce.CHUNK, GroupReduce.PARALLEL_THRESHOLD - 1, i -> {
            threads.add(Thread.currentThread());
            return i * i;
        });
        assertEquals(Set.of(caller), threads);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i * i, out.get(i));
        }
        assertEquals(List.of(), GroupReduce.map(0, GroupReduce.PARALLEL_THRESHOLD, i -> i));
    }
}
