package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.ModelData;

/**
 * The reductions over groups are bit-identical whatever the number of threads (docs/DESIGN.md §4, issue 15 item 9):
 * value, profile, gradient, Hessian and information of a model large enough to run in parallel, on both
 * paths, computed on the calling thread and inside fork-join pools of parallelism 1, 2 and 8 (parallel
 * streams run in the pool of the thread that starts them).
 */
class GroupReduceDeterminismTest {

    @Test
    void everyQuantityIsBitIdenticalOn1To8Threads() throws Exception {
        ModelData data = SufficientStatisticsProperties.data(new Random(5), 9000, 2, 2);
        assertTrue(data.observations() >= GroupReduce.PARALLEL_THRESHOLD, "the model must be large enough to go parallel");
        double[] theta = SufficientStatisticsProperties.theta(new Random(6), data, 1.3, 0);
        for (Method method : Method.values()) {
            MixedModel model = new MixedModel(data, new SufficientStatisticsProperties.Scalar(),
                    new SufficientStatisticsProperties.Free(), method);
            for (boolean fast : new boolean[] {true, false}) {
                ProfiledDeviance d = new ProfiledDeviance(model, fast);
                double[] reference = everything(d, theta);
                for (int threads : new int[] {1, 2, 8}) {
                    ForkJoinPool pool = new ForkJoinPool(threads);
                    try {
                        double[] other = pool.submit(() -> everything(d, theta)).get();
                        assertArrayEquals(reference, other, 0.0, method + (fast ? " sufficient statistics" : " block")
                                + " path on " + threads + " threads");
                    } finally {
                        pool.shutdown();
                    }
                }
            }
        }
    }

    /**
     * The same in separate JVMs that see 1, 2 and 8 processors (-XX:ActiveProcessorCount, which also sizes the
     * common pool): the partition must not follow the machine's core count.
     */
    @Test
    void everyQuantityIsBitIdenticalWhateverTheProcessorCount() throws Exception {
        String javaBin = java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String reference = null;
        for (int cpus : new int[] {1, 2, 8}) {
            Process proc = new ProcessBuilder(javaBin, "-XX:ActiveProcessorCount=" + cpus, "-cp",
                    System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            assertEquals(0, proc.waitFor(), out);
            if (reference == null) {
                reference = out;
            } else {
                assertEquals(reference, out, "results on " + cpus + " processors");
            }
        }
    }

    /** Prints every quantity of both paths as raw bits, one JVM per processor count. */
    static final class Main {
        public static void main(String[] args) {
            ModelData data = SufficientStatisticsProperties.data(new Random(5), 9000, 2, 2);
            double[] theta = SufficientStatisticsProperties.theta(new Random(6), data, 1.3, 0);
            StringBuilder sb = new StringBuilder();
            for (boolean fast : new boolean[] {true, false}) {
                MixedModel model = new MixedModel(data, new SufficientStatisticsProperties.Scalar(),
                        new SufficientStatisticsProperties.Free(), Method.REML);
                for (double v : everything(new ProfiledDeviance(model, fast), theta)) {
                    sb.append(Long.toHexString(Double.doubleToRawLongBits(v))).append(' ');
                }
            }
            System.out.println(sb);
        }
    }

    @Test
    void thePartitionDependsOnlyOnTheNumberOfGroups() {
        // 1000 groups: four chunks of 256, 256, 256, 232, merged left to right, on any pool
        Function<Integer, String> run = threads -> {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                return pool.submit(() -> GroupReduce.reduce(1000, GroupReduce.PARALLEL_THRESHOLD, StringBuilder::new,
                        () -> null, (StringBuilder acc, Object s, int i) -> {
                            if (acc.length() == 0) {
                                acc.append(i);
                            }
                        }, (a, b) -> a.append(',').append(b)).toString()).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdown();
            }
        };
        for (int threads : new int[] {1, 2, 8}) {
            assertEquals("0,256,512,768", run.apply(threads));
        }
    }

    /** Criterion, β̂, gradient, Hessian and information flattened into one array. */
    private static double[] everything(ProfiledDeviance d, double[] theta) {
        Gradient g = d.gradient(theta);
        CriterionHessian h = d.hessian(theta, g);
        double[][] info = d.expectedInformation(theta, g);
        int k = theta.length;
        int p = g.profile().beta().length;
        double[] out = new double[2 + p + k + 2 * k * k];
        int o = 0;
        out[o++] = g.criterion();
        out[o++] = h.worstConditioning();
        for (double b : g.profile().beta()) {
            out[o++] = b;
        }
        for (double v : g.theta()) {
            out[o++] = v;
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                out[o++] = h.hessian()[a][b];
                out[o++] = info[a][b];
            }
        }
        return out;
    }
}
