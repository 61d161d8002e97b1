package org.lmm4j.structures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.linalg.Matrices;

/**
 * The paper's free (unstructured) structure: every element of the lower triangle is a parameter,
 * θ = (S00, S10, S11, S20, S21, S22, ...) in row order, d(d+1)/2 in all; S is linear in θ. The
 * M-step maximiser of −n log det S − tr(S⁻¹C) is S = C/n.
 */
public final class FreeStructure implements CovarianceStructure {

    @Override
    public String name() {
        return "free";
    }

    @Override
    public String description() {
        return "unstructured: every variance and covariance free (d(d+1)/2 parameters)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return StructureMath.triangleSize(dimension);
    }

    @Override
    public List<String> parameterNames(int dimension) {
        StructureMath.checkDimension(dimension);
        List<String> names = new ArrayList<>(StructureMath.triangleSize(dimension));
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j <= i; j++) {
                names.add(i == j ? "var(" + (i + 1) + ")" : "cov(" + (i + 1) + "," + (j + 1) + ")");
            }
        }
        return List.copyOf(names);
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkDimension(dimension);
        StructureMath.checkLength(theta, StructureMath.triangleSize(dimension), name());
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j <= i; j++) {
                double v = theta[StructureMath.lowerIndex(i, j)];
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        return s;
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        int p = StructureMath.triangleSize(dimension);
        StructureMath.checkLength(theta, p, name());
        double[][][] out = new double[p][dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j <= i; j++) {
                int k = StructureMath.lowerIndex(i, j);
                out[k][i][j] = 1;
                out[k][j][i] = 1;
            }
        }
        return out;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        return Matrices.isPositiveDefinite(matrix(theta, dimension));
    }

    /** The lower triangle in row order, averaging S_ij and S_ji (the symmetric part). */
    /** Every congruence AΩA' of a covariance matrix is one: the free family admits any change of basis. */
    @Override
    public boolean admitsChangeOfBasis() {
        return true;
    }

    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        double[] theta = new double[StructureMath.triangleSize(d)];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                theta[StructureMath.lowerIndex(i, j)] = 0.5 * (matrix[i][j] + matrix[j][i]);
            }
        }
        return theta;
    }

    @Override
    public double[] start(double[][] sampleCovariance) {
        return maximise(StructureMath.positiveDefinite(sampleCovariance), 1);
    }

    /** Ŝ = C/n. */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return parameters(StructureMath.scaled(scatter, n));
    }

    /** Variances var(i) and correlations cor(i,j) = S_ij/√(S_ii S_jj). */
    @Override
    public Map<String, Double> naturalParameters(double[] theta, int dimension) {
        double[][] s = matrix(theta, dimension);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < dimension; i++) {
            out.put("var(" + (i + 1) + ")", s[i][i]);
        }
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                out.put("cor(" + (i + 1) + "," + (j + 1) + ")", s[i][j] / Math.sqrt(s[i][i] * s[j][j]));
            }
        }
        return out;
    }
}
