package org.lmm4j.inference;

import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * Σ = σ₀²I with σ₀ held fixed: a scalar residual structure without parameters, which a profile-likelihood refit
 * uses to hold the residual standard deviation at σ₀ while an estimator minimises over the rest (lme4's
 * {@code .sigma} profile).
 *
 * @param sd  σ₀ &gt; 0
 */
public record FixedResidualScale(double sd) implements CovarianceStructure {

    @Override
    public String name() {
        return "scalar-held";
    }

    @Override
    public String description() {
        return "σ²I with σ held fixed (profile likelihood)";
    }

    @Override
    public int parameterCount(int dimension) {
        return 0;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        return List.of();
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        double[][] s = Matrices.identity(dimension);
        for (int a = 0; a < dimension; a++) {
            s[a][a] = sd * sd;
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        return new double[0][][];
    }

    @Override
    public boolean isScalar() {
        return true;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        return sd > 0;
    }

    @Override
    public double[] parameters(double[][] matrix) {
        return new double[0];
    }

    /** Nothing to maximise: the structure has no parameters. */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return new double[0];
    }
}
