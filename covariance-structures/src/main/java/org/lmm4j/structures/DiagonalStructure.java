package org.lmm4j.structures;

import java.util.List;
import org.lmm4j.api.CovarianceStructure;

/**
 * The paper's diagonal structure S = diag(σ₁², ..., σ_d²) (θ = the d variances): one variance per
 * occasion, or per random effect for Ω (variance components). The M-step maximiser is σ_j² = C_jj/n.
 */
public final class DiagonalStructure implements CovarianceStructure {

    @Override
    public String name() {
        return "diagonal";
    }

    @Override
    public String description() {
        return "diag(sigma_1^2..sigma_d^2): one variance per occasion, no correlation (d parameters)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return dimension;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        StructureMath.checkDimension(dimension);
        return StructureMath.indexedNames("var", dimension);
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkDimension(dimension);
        StructureMath.checkLength(theta, dimension, name());
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            s[i][i] = theta[i];
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        StructureMath.checkLength(theta, dimension, name());
        double[][][] out = new double[dimension][dimension][dimension];
        for (int k = 0; k < dimension; k++) {
            out[k][k][k] = 1;
        }
        return out;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        StructureMath.checkLength(theta, dimension, name());
        for (double v : theta) {
            if (!(v > 0) || !Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The diagonal of the matrix (exact for a diagonal matrix, the least-squares projection otherwise). */
    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        double[] theta = new double[d];
        for (int i = 0; i < d; i++) {
            theta[i] = matrix[i][i];
        }
        return theta;
    }

    @Override
    public double[] start(double[][] sampleCovariance) {
        return maximise(StructureMath.positiveDefinite(sampleCovariance), 1);
    }

    /** σ̂_j² = C_jj/n. */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return parameters(StructureMath.scaled(scatter, n));
    }
}
