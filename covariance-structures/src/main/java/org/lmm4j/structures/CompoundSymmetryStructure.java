package org.lmm4j.structures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.CovarianceStructure;

/**
 * Compound symmetry: S = (v − c) I + c J, θ = [v, c] (θ = [v] when d = 1), a common variance v on
 * the diagonal and a common covariance c off it; linear in θ. S has eigenvalue λ₁ = v + (d−1)c on
 * the projection J/d and λ₂ = v − c on I − J/d, so it is positive definite iff both are positive and
 * the M-step maximiser is closed form: λ̂₁ = tr(C J/d)/n, λ̂₂ = tr(C (I − J/d))/(n(d−1)).
 */
public final class CompoundSymmetryStructure implements CovarianceStructure {

    @Override
    public String name() {
        return "cs";
    }

    @Override
    public String description() {
        return "compound symmetry: common variance v, common covariance c (2 parameters)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return dimension == 1 ? 1 : 2;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        return dimension == 1 ? List.of("variance") : List.of("variance", "covariance");
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        double v = theta[0];
        double c = dimension == 1 ? 0 : theta[1];
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < dimension; j++) {
                s[i][j] = i == j ? v : c;
            }
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        double[][] dv = StructureMath.band(dimension, 0);
        if (dimension == 1) {
            return new double[][][] {dv};
        }
        double[][] dc = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < dimension; j++) {
                dc[i][j] = i == j ? 0 : 1;
            }
        }
        return new double[][][] {dv, dc};
    }

    /** v − c > 0 and v + (d−1)c > 0: both eigenvalues positive. */
    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        double v = theta[0];
        double c = dimension == 1 ? 0 : theta[1];
        return Double.isFinite(v) && Double.isFinite(c) && v - c > 0 && v + (dimension - 1) * c > 0;
    }

    /** v = mean diagonal, c = mean off-diagonal element (exact for CS, the least-squares projection otherwise). */
    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        double diagonal = StructureMath.trace(matrix);
        if (d == 1) {
            return new double[] {diagonal};
        }
        double total = 0;
        for (double[] row : matrix) {
            for (double x : row) {
                total += x;
            }
        }
        return new double[] {diagonal / d, (total - diagonal) / (d * (d - 1.0))};
    }

    @Override
    public double[] start(double[][] sampleCovariance) {
        return maximise(StructureMath.positiveDefinite(sampleCovariance), 1);
    }

    /**
     * The eigen-structure solution: λ̂₁ = 1'C1/(n d) on J/d and λ̂₂ = (tr C − 1'C1/d)/(n(d−1)) on
     * I − J/d, so v̂ = (λ̂₁ + (d−1)λ̂₂)/d = tr C/(n d) and ĉ = (λ̂₁ − λ̂₂)/d = (1'C1 − tr C)/(n d(d−1)):
     * exactly the averaged diagonal and off-diagonal of C/n, that is {@link #parameters} of C/n.
     */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return parameters(StructureMath.scaled(scatter, n));
    }

    /** The common variance and the common correlation c/v. */
    @Override
    public Map<String, Double> naturalParameters(double[] theta, int dimension) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("variance", theta[0]);
        if (dimension > 1) {
            out.put("correlation", theta[1] / theta[0]);
        }
        return out;
    }
}
