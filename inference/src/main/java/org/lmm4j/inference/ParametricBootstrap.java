package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.InputException;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The parametric bootstrap (lme4's {@code bootMer} with {@code confint(method = "boot")}): N responses are drawn
 * from the fitted model, y*_i = X_iβ̂ + Z_ib*_i + e*_i with b*_i ~ N(0, Ω̂) and e*_i ~ N(0, Σ̂[t_i, t_i]), each is
 * refitted by the same estimator, and the percentile interval of every parameter is read from the N refits
 * (quantiles by linear interpolation, R's type 7). Beside it, the bias-corrected percentile interval (Efron 1981; Efron
 * and Tibshirani 1993, §14.3) reads the quantiles at Φ(2z₀ ± z_{(1+level)/2}) with z₀ = Φ⁻¹(share of refits below the
 * estimate): maximum-likelihood variance components are biased down, so their plain percentile intervals sit low,
 * and z₀ moves them back. Each end carries its Monte Carlo standard error, half the distance between the order
 * statistics at N·a ± √(N a(1 − a)) (the binomial spread of the count of refits below the a-quantile). Refits run in parallel on a pool of the given size; replicate k
 * draws from its own generator, seeded by the k-th number of a generator seeded by the seed, so the result does not depend on the number of threads.
 */
public final class ParametricBootstrap {

    private ParametricBootstrap() {
    }

    /**
     * The result of a bootstrap.
     *
     * @param intervals     percentile intervals, in {@link ModelParameters} order
     * @param biasCorrected bias-corrected percentile intervals, in the same order
     * @param monteCarloError for each parameter, the Monte Carlo standard errors of the percentile interval's lower
     *                      and upper end, {lower, upper}
     * @param samples       the refits' parameter values, [replicate][parameter] (failed refits left out)
     * @param failed        refits that ended FAILED or UNBOUNDED
     * @param threads       threads of the pool
     * @param perWorker     refits done by each worker thread that took part (their sum is the number of refits)
     * @param elapsedNanos  wall time of the refits
     */
    public record Result(List<Interval> intervals, List<Interval> biasCorrected, List<double[]> monteCarloError,
                         double[][] samples, int failed, int threads, List<Integer> perWorker, long elapsedNanos) {

        public Result {
            intervals = List.copyOf(intervals);
            biasCorrected = List.copyOf(biasCorrected);
            monteCarloError = monteCarloError.stream().map(double[]::clone).toList();
            perWorker = List.copyOf(perWorker);
        }
    }

    /**
     * @param model     the fitted model
     * @param fit       its fit (the parameters the responses are drawn from)
     * @param progress  told the number of refits finished after each one (from any thread, one call at a time)
     */
    public static Result run(MixedModel model, FitResult fit, Estimator estimator, FitOptions options, int replicates,
                             long seed, double level, int threads, IntConsumer progress) {
        if (model.crossed() != null) {
            throw new InputException("--bootstrap is not available yet for crossed random terms (responses are "
                    + "simulated through the per-group model, which crossed terms do not have)");
        }
        if (replicates < 2) {
            throw new InputException("--bootstrap needs at least 2 replicates (got " + replicates + ")");
        }
        if (threads < 1) {
            throw new InputException("--threads must be at least 1 (got " + threads + ")");
        }
        ModelParameters parameters = ModelParameters.of(model);
        double[] estimates = parameters.values(fit);
        Draw draw = new Draw(model.data(), fit);
        long[] seeds = new SplittableRandom(seed).longs(replicates).toArray();
        double[][] values = new double[replicates][];
        AtomicInteger done = new AtomicInteger();
        java.util.Map<String, AtomicInteger> workers = new java.util.concurrent.ConcurrentHashMap<>();
        Object lock = new Object();
        long start = System.nanoTime();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, replicates).parallel().forEach(k -> {
                ModelData data = draw.sample(new SplittableRandom(seeds[k]));
                FitResult r = estimator.fit(new MixedModel(data, model.residual(), model.randomEffects(), model.method()),
                        options);
                if (r.status() != FitStatus.FAILED && r.status() != FitStatus.UNBOUNDED) {
                    values[k] = parameters.values(r);
                }
                workers.computeIfAbsent(Thread.currentThread().getName(), w -> new AtomicInteger()).incrementAndGet();
                int n = done.incrementAndGet();
                synchronized (lock) {
                    progress.accept(n);
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bootstrap interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        long elapsed = System.nanoTime() - start;
        double[][] samples = Arrays.stream(values).filter(v -> v != null).toArray(double[][]::new);
        if (samples.length < 2) {
            throw new InputException("the bootstrap refits failed (" + (replicates - samples.length) + " of " + replicates + ")");
        }
        List<Interval> intervals = new ArrayList<>();
        List<Interval> biasCorrected = new ArrayList<>();
        List<double[]> errors = new ArrayList<>();
        double lowerLevel = (1 - level) / 2;
        double upperLevel = (1 + level) / 2;
        double z = NORMAL.inverseCumulativeProbability(upperLevel);
        for (int j = 0; j < estimates.length; j++) {
            double[] col = new double[samples.length];
            for (int k = 0; k < samples.length; k++) {
                col[k] = samples[k][j];
            }
            Arrays.sort(col);
            String name = parameters.names().get(j);
            intervals.add(new Interval(name, estimates[j], quantile(col, lowerLevel), quantile(col, upperLevel), List.of()));
            double z0 = biasConstant(col, estimates[j]);
            biasCorrected.add(new Interval(name, estimates[j], quantile(col, NORMAL.cumulativeProbability(2 * z0 - z)),
                    quantile(col, NORMAL.cumulativeProbability(2 * z0 + z)), List.of()));
            errors.add(new double[] {monteCarloError(col, lowerLevel), monteCarloError(col, upperLevel)});
        }
        List<Integer> perWorker = workers.values().stream().map(AtomicInteger::get)
                .sorted(java.util.Comparator.reverseOrder()).toList();
        return new Result(intervals, biasCorrected, errors, samples, replicates - samples.length, threads, perWorker, elapsed);
    }

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    /**
     * z₀ = Φ⁻¹(share of sorted draws below the estimate, ties counted half), clamped to the share one draw can
     * resolve so that it stays finite.
     */
    static double biasConstant(double[] sorted, double estimate) {
        double below = 0;
        for (double v : sorted) {
            below += v < estimate ? 1 : v == estimate ? 0.5 : 0;
        }
        double n = sorted.length;
        double share = Math.min(Math.max(below / n, 0.5 / n), 1 - 0.5 / n);
        return NORMAL.inverseCumulativeProbability(share);
    }

    /**
     * The Monte Carlo standard error of the a-quantile of n sorted draws: half the distance between the order
     * statistics at n·a ± √(n a(1 − a)), the count of draws below the true quantile being binomial(n, a).
     */
    static double monteCarloError(double[] sorted, double a) {
        double n = sorted.length;
        double spread = Math.sqrt(n * a * (1 - a));
        double lo = quantile(sorted, Math.max(0, a - spread / n));
        double hi = quantile(sorted, Math.min(1, a + spread / n));
        return (hi - lo) / 2;
    }

    /** R's type-7 quantile of sorted values: x[h] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]) with h = (n − 1)p. */
    public static double quantile(double[] sorted, double prob) {
        double h = (sorted.length - 1) * prob;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Draws responses from a fitted model. */
    static final class Draw {
        private final ModelData data;
        private final double[] beta;
        private final double[][] omegaRoot;
        private final double[][] sigma;

        Draw(ModelData data, FitResult fit) {
            this.data = data;
            this.beta = fit.fixedEffects();
            this.sigma = fit.sigma();
            this.omegaRoot = fit.omega() == null ? new double[0][0] : root(fit.omega());
        }

        /** A symmetric square root R of a positive semi-definite matrix (RR' = S), from its eigen-decomposition. */
        private static double[][] root(double[][] s) {
            EigenDecomposition e = new EigenDecomposition(MatrixUtils.createRealMatrix(s));
            RealMatrix d = e.getD().copy();
            for (int a = 0; a < s.length; a++) {
                d.setEntry(a, a, Math.sqrt(Math.max(d.getEntry(a, a), 0)));
            }
            return e.getV().multiply(d).multiply(e.getVT()).getData();
        }

        ModelData sample(SplittableRandom random) {
            int p = data.p();
            int q = data.q();
            List<Group> groups = new ArrayList<>(data.groupCount());
            for (Group g : data.groups()) {
                int m = g.size();
                double[] u = new double[q];
                for (int a = 0; a < q; a++) {
                    u[a] = random.nextGaussian();
                }
                double[] b = new double[q];
                for (int a = 0; a < q; a++) {
                    for (int c = 0; c < q; c++) {
                        b[a] += omegaRoot[a][c] * u[c];
                    }
                }
                // a scalar Σ, carried as [σ²], is σ²I: e = σz needs no m × m factor (crossed terms' one group of all
                // rows); the numbers are those of the factor of σ²I
                boolean scalar = sigma.length == 1;
                double sd = Math.sqrt(sigma[0][0]);
                double[] l = scalar ? null : new double[m * m];
                int[] t = g.occasion();
                for (int j = 0; j < m && !scalar; j++) {
                    for (int k = 0; k < m; k++) {
                        l[j * m + k] = org.lmm4j.likelihood.GroupBlock.sigmaEntry(sigma, t, j, k);
                    }
                }
                if (scalar ? !(sd > 0) : !Cholesky.factor(l, m)) {
                    throw new IllegalStateException("Σ̂ of group " + g.id() + " is not positive definite");
                }
                double[] e = new double[m];
                for (int j = 0; j < m; j++) {
                    e[j] = random.nextGaussian();
                }
                double[] y = new double[m];
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int c = 0; c < p; c++) {
                        s += g.x()[j * p + c] * beta[c];
                    }
                    for (int a = 0; a < q; a++) {
                        s += g.z()[j * q + a] * b[a];
                    }
                    if (scalar) {
                        s += sd * e[j];
                    } else {
                        for (int k = 0; k <= j; k++) {
                            s += l[j * m + k] * e[k];
                        }
                    }
                    y[j] = s;
                }
                groups.add(new Group(g.id(), y, g.x(), g.z(), g.occasion()));
            }
            return new ModelData(groups, data.fixedNames(), data.randomNames(), data.response(), data.grouping(),
                    data.occasionLabels(), data.droppedRows(), data.notes());
        }
    }
}
