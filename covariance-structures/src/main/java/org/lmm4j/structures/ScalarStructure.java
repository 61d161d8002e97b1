package org.lmm4j.structures;

import java.util.List;
import org.lmm4j.api.CovarianceStructure;

/**
 * The paper's scalar structure S = σ²I (θ = [σ²]): one variance shared by all occasions. The
 * M-step maximiser of −n log det S − tr(S⁻¹C) is σ² = tr C/(n d).
 */
public final class ScalarStructure implements CovarianceStructure {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "sigma^2 I: one variance, no correlation (1 parameter)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return 1;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        StructureMath.checkDimension(dimension);
        return List.of("sigma2");
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkDimension(dimension);
        StructureMath.checkLength(theta, 1, name());
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            s[i][i] = theta[0];
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        StructureMath.checkLength(theta, 1, name());
        return new double[][][] {StructureMath.band(dimension, 0)};
    }

    @Override
    public boolean isScalar() {
        return true;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        StructureMath.checkLength(theta, 1, name());
        return theta[0] > 0 && Double.isFinite(theta[0]);
    }

    /** σ² = mean of the diagonal (exact for σ²I, the least-squares projection otherwise). */
    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        return new double[] {StructureMath.trace(matrix) / d};
    }

    @Override
    public double[] start(double[][] sampleCovariance) {
        return maximise(StructureMath.positiveDefinite(sampleCovariance), 1);
    }

    /** σ̂² = tr C/(n d). */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return parameters(StructureMath.scaled(scatter, n));
    }
}
