package org.lmm4j.benchmarks;

import java.util.ServiceLoader;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.bench.SimulationSpec;
import org.lmm4j.app.bench.Simulator;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.StartValues;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The benchmark data: the random intercept and slope model y = β0 + β1 t + b0 + b1 t + e simulated for
 * n subjects × 10 occasions (seed 1), fitted as Σ = σ²I, Ω free, ML — the model of {@code lmm4j bench}
 * and of docs/DESIGN.md §5's budget. Built once per trial, outside the measured code.
 */
@State(Scope.Benchmark)
public class SimulatedModel {

    /** n, the number of subjects (N = 10 n rows). */
    @Param({"10000", "100000"})
    public int subjects;

    /** The model to fit. */
    public MixedModel model;

    /** Its profiled deviance, built once. */
    public ProfiledDeviance deviance;

    /** The shared moment start θ, where the kernels are evaluated. */
    public double[] theta;

    @Setup(Level.Trial)
    public void simulate() {
        CovarianceStructure scalar = structure("scalar");
        CovarianceStructure free = structure("free");
        model = new MixedModel(new Simulator(SimulationSpec.of(subjects, 10)).modelData(), scalar, free, Method.ML);
        deviance = new ProfiledDeviance(model);
        theta = StartValues.moments(model);
    }

    /** The covariance structure of that name, found as the command line finds it. */
    static CovarianceStructure structure(String name) {
        for (CovarianceStructure s : ServiceLoader.load(CovarianceStructure.class)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("no covariance structure named " + name + " on the class path");
    }

    /** The estimator of that name, found as the command line finds it. */
    static Estimator estimator(String name) {
        for (Estimator e : ServiceLoader.load(Estimator.class)) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalStateException("no estimator named " + name + " on the class path");
    }
}
