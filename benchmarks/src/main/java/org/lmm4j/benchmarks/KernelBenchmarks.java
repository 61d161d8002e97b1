package org.lmm4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.likelihood.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the hot kernels on {@link SimulatedModel} (10 000 and 100 000 subjects × 10
 * occasions): one evaluation of the profiled criterion Δ_p(θ), one evaluation of Δ_p and its gradient
 * ∂Δ_p/∂θ, one EM iteration (an EM fit capped at one iteration, result assembly included) and one full
 * Newton fit from the moment start. Run with
 * {@code mvn -q -pl benchmarks -am package -DskipTests && java -jar benchmarks/target/benchmarks.jar}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class KernelBenchmarks {

    private Estimator newton;
    private Estimator em;

    @Setup
    public void estimators() {
        newton = SimulatedModel.estimator("newton");
        em = SimulatedModel.estimator("em");
    }

    /** One criterion evaluation Δ_p(θ) (profile over β included). */
    @Benchmark
    public double criterion(SimulatedModel s) {
        return s.deviance.criterion(s.theta);
    }

    /** One evaluation of Δ_p(θ) and its gradient with respect to θ. */
    @Benchmark
    public Gradient gradient(SimulatedModel s) {
        return s.deviance.gradient(s.theta);
    }

    /** One EM iteration from the moment start (EM fit with maxIterations = 1). */
    @Benchmark
    public FitResult emIteration(SimulatedModel s) {
        return em.fit(s.model, FitOptions.defaults().withMaxIterations(1));
    }

    /** A full Newton fit (ML, default options) from the moment start to convergence. */
    @Benchmark
    public FitResult newtonFit(SimulatedModel s) {
        return newton.fit(s.model, FitOptions.defaults());
    }
}
