package org.lmm4j.structures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * Toeplitz (banded by lag) structure: S_jk = γ_|j−k|, θ = [γ₀, ..., γ_{d−1}], linear in θ; γ₀ is the
 * common variance and γ_k the covariance at lag k. There is no closed-form M-step: {@link #maximise}
 * starts from the averaged diagonals of C/n (shrunk towards γ₀I until positive definite) and improves
 * them with {@link ScatterNewton}, never ending below the start.
 */
public final class ToeplitzStructure implements CovarianceStructure {

    @Override
    public String name() {
        return "toeplitz";
    }

    @Override
    public String description() {
        return "Toeplitz: one covariance per lag |j-k| (d parameters)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return dimension;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        StructureMath.checkDimension(dimension);
        List<String> names = new ArrayList<>(dimension);
        for (int k = 0; k < dimension; k++) {
            names.add("gamma(" + k + ")");
        }
        return List.copyOf(names);
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkDimension(dimension);
        StructureMath.checkLength(theta, dimension, name());
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < dimension; j++) {
                s[i][j] = theta[Math.abs(i - j)];
            }
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        StructureMath.checkLength(theta, dimension, name());
        double[][][] out = new double[dimension][][];
        for (int k = 0; k < dimension; k++) {
            out[k] = StructureMath.band(dimension, k);
        }
        return out;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        return Matrices.isPositiveDefinite(matrix(theta, dimension));
    }

    /** γ_k = mean of the lag-k band (exact for a Toeplitz matrix, the least-squares projection otherwise). */
    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        double[] theta = new double[d];
        for (int k = 0; k < d; k++) {
            theta[k] = StructureMath.bandMean(matrix, k);
        }
        return theta;
    }

    /** The averaged diagonals of the sample covariance, lags shrunk until positive definite. */
    @Override
    public double[] start(double[][] sampleCovariance) {
        return admissible(parameters(StructureMath.positiveDefinite(sampleCovariance)));
    }

    @Override
    public double[] maximise(double[][] scatter, double n) {
        double[] start = admissible(parameters(StructureMath.scaled(scatter, n)));
        return ScatterNewton.maximise(this, start, scatter, n);
    }

    /** Variance γ₀ and the correlation γ_k/γ₀ at every lag k ≥ 1. */
    @Override
    public Map<String, Double> naturalParameters(double[] theta, int dimension) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("variance", theta[0]);
        for (int k = 1; k < dimension; k++) {
            out.put("cor(lag " + k + ")", theta[k] / theta[0]);
        }
        return out;
    }

    /**
     * θ itself when admissible; otherwise γ₀ (made positive) with the lags γ_k, k ≥ 1, shrunk by a
     * common factor until S(θ) is positive definite (at factor 0 it is γ₀I).
     */
    private double[] admissible(double[] theta) {
        int d = theta.length;
        if (isPositiveDefinite(theta, d)) {
            return theta;
        }
        double[] out = theta.clone();
        if (!(out[0] > 0) || !Double.isFinite(out[0])) {
            out[0] = 1;
        }
        for (double factor = 0.9; factor > 1e-4; factor *= 0.7) {
            for (int k = 1; k < d; k++) {
                out[k] = factor * theta[k];
            }
            if (isPositiveDefinite(out, d)) {
                return out;
            }
        }
        for (int k = 1; k < d; k++) {
            out[k] = 0;
        }
        return out;
    }
}
