package org.lmm4j.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.ModelData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark behind {@code lmm4j bench}: for every size, simulate the random intercept and
 * slope model once (untimed), build the {@link MixedModel} with Σ = σ²I, Ω free and ML, and for every
 * estimator fit it once to warm up and then R times, timing each fit with {@link System#nanoTime()}
 * and watching the heap pools' peaks ({@link MemoryPoolMXBean#getPeakUsage()}).
 */
public final class BenchRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);

    /** Told after every fit how far the benchmark is. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} fits finished; {@code label} says what runs now. */
        void step(int done, int total, String label);
    }

    private final CovarianceStructure sigma;
    private final CovarianceStructure omega;
    private final FitOptions options;

    /**
     * @param sigma   the residual structure (scalar for the standard benchmark)
     * @param omega   the random-effects structure (free for the standard benchmark)
     * @param options the fit options every fit uses
     */
    public BenchRunner(CovarianceStructure sigma, CovarianceStructure omega, FitOptions options) {
        this.sigma = sigma;
        this.omega = omega;
        this.options = options;
    }

    /**
     * Benchmarks every estimator on every size, in the order given (sizes outer, estimators inner).
     *
     * @param base       the simulation spec; its number of subjects is replaced by each size
     * @param sizes      numbers of subjects
     * @param estimators the estimators to time
     * @param warmups    W ≥ 0 untimed fits per cell first, so the JIT has compiled the hot loops
     * @param repeats    R ≥ 1 timed fits per cell
     */
    public List<BenchRow> run(SimulationSpec base, List<Integer> sizes, List<Estimator> estimators, int warmups,
                              int repeats, Progress progress) {
        if (repeats < 1) {
            throw new org.lmm4j.api.InputException("--repeats must be at least 1, got " + repeats);
        }
        if (warmups < 0) {
            throw new org.lmm4j.api.InputException("--warmup must be at least 0, got " + warmups);
        }
        int total = sizes.size() * estimators.size() * (warmups + repeats);
        int done = 0;
        List<BenchRow> rows = new ArrayList<>();
        for (int n : sizes) {
            SimulationSpec spec = base.withSubjects(n);
            progress.step(done, total, "simulating " + n + " subjects");
            ModelData data = new Simulator(spec).modelData();
            MixedModel model = new MixedModel(data, sigma, omega, Method.ML);
            long observations = data.observations();
            for (Estimator estimator : estimators) {
                String label = estimator.name() + ", " + n + " subjects";
                double[] millis = new double[repeats];
                FitResult last = null;
                String failure = null;
                long peak = 0;
                int cellEnd = done + warmups + repeats;
                for (int r = 0; r < warmups + repeats && failure == null; r++) {
                    boolean timed = r >= warmups;
                    progress.step(done, total, label + (timed ? " (" + (r - warmups + 1) + "/" + repeats + ")"
                            : " (warm-up " + (r + 1) + "/" + warmups + ")"));
                    System.gc();
                    resetPeaks();
                    long start = System.nanoTime();
                    try {
                        last = estimator.fit(model, options);
                    } catch (RuntimeException e) {
                        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                        LOG.warn("{} failed on {} subjects", estimator.name(), n, e);
                    }
                    long elapsed = System.nanoTime() - start;
                    if (timed) {
                        millis[r - warmups] = elapsed / 1e6;
                        peak = Math.max(peak, heapPeak());
                    }
                    done++;
                }
                done = cellEnd;
                progress.step(done, total, label);
                if (failure != null) {
                    rows.add(new BenchRow(estimator.name(), n, spec.occasions(), observations, 0, Double.NaN,
                            Double.NaN, 0, 0, Double.NaN, Double.NaN, "FAILED", failure, 0, Double.NaN));
                    continue;
                }
                double median = median(millis);
                double min = Arrays.stream(millis).min().orElse(Double.NaN);
                rows.add(new BenchRow(estimator.name(), n, spec.occasions(), observations, repeats, median, min,
                        last.iterations(), last.evaluations(), last.criterion(), last.minus2LogLik(), last.status().name(),
                        last.reason() == null ? "" : last.reason(), peak, observations / (median / 1e3)));
            }
        }
        return rows;
    }

    /** The median of the values (mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak usage since the last reset: an upper bound on the peak heap in use. */
    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
