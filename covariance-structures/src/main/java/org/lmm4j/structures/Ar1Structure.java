package org.lmm4j.structures;

import java.util.List;
import org.lmm4j.api.CovarianceStructure;

/**
 * First-order autoregressive structure over occasion positions: S_jk = σ² ρ^|j−k|, θ = [σ², ρ]
 * (θ = [σ²] when d = 1), admissible for σ² > 0 and |ρ| < 1. Not linear in θ, so second derivatives
 * are provided. The M-step profiles σ² out, σ̂²(ρ) = tr(R(ρ)⁻¹C)/(n d), and maximises over ρ by the
 * stationarity cubic of the profiled objective (see {@link #maximise}).
 */
public final class Ar1Structure implements CovarianceStructure {

    @Override
    public String name() {
        return "ar1";
    }

    @Override
    public String description() {
        return "AR(1) over occasion positions: sigma^2 rho^|j-k| (2 parameters)";
    }

    @Override
    public int parameterCount(int dimension) {
        StructureMath.checkDimension(dimension);
        return dimension == 1 ? 1 : 2;
    }

    @Override
    public List<String> parameterNames(int dimension) {
        return dimension == 1 ? List.of("sigma2") : List.of("sigma2", "rho");
    }

    @Override
    public boolean isLinear() {
        return false;
    }

    @Override
    public double[][] matrix(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        return lagFunction(dimension, theta[0], rho(theta), 0);
    }

    @Override
    public double[][][] derivatives(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        double rho = rho(theta);
        double[][] dSigma2 = lagFunction(dimension, 1, rho, 0);
        if (dimension == 1) {
            return new double[][][] {dSigma2};
        }
        return new double[][][] {dSigma2, lagFunction(dimension, theta[0], rho, 1)};
    }

    /** ∂²S/∂σ²∂ρ = ∂R/∂ρ, ∂²S/∂ρ² = σ² ∂²R/∂ρ², and ∂²S/∂(σ²)² = 0 (null). */
    @Override
    public double[][] secondDerivative(double[] theta, int dimension, int k, int l) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        int p = parameterCount(dimension);
        if (k < 0 || l < 0 || k >= p || l >= p) {
            throw new IndexOutOfBoundsException("parameter index out of range: " + k + ", " + l);
        }
        int order = k + l;
        if (order == 0) {
            return null;
        }
        double scale = order == 1 ? 1 : theta[0];
        return lagFunction(dimension, scale, rho(theta), order);
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int dimension) {
        StructureMath.checkLength(theta, parameterCount(dimension), name());
        double rho = rho(theta);
        return theta[0] > 0 && Double.isFinite(theta[0]) && Math.abs(rho) < 1;
    }

    /**
     * σ² = mean diagonal and ρ = (mean lag-1 element)/σ²: exact for an AR(1) matrix; for another
     * matrix ρ is kept inside (−1, 1).
     */
    @Override
    public double[] parameters(double[][] matrix) {
        int d = StructureMath.dimensionOf(matrix);
        double sigma2 = StructureMath.bandMean(matrix, 0);
        if (d == 1) {
            return new double[] {sigma2};
        }
        double rho = StructureMath.bandMean(matrix, 1) / sigma2;
        double limit = 1 - 1e-6;
        if (!(Math.abs(rho) < 1)) {
            rho = Double.isNaN(rho) ? 0 : Math.copySign(limit, rho);
        }
        return new double[] {sigma2, rho};
    }

    @Override
    public double[] start(double[][] sampleCovariance) {
        return maximise(StructureMath.positiveDefinite(sampleCovariance), 1);
    }

    /**
     * With R(ρ)⁻¹ tridiagonal, tr(R⁻¹C) = (A + Bρ² − 2Dρ)/(1 − ρ²) for A = tr C, B = the sum of the
     * interior diagonal elements C_jj (0 &lt; j &lt; d−1) and D = Σ_j C_{j,j+1}, and log det R =
     * (d−1) log(1 − ρ²). Profiling σ² out leaves h(ρ) = d log(A + Bρ² − 2Dρ) − log(1 − ρ²) to
     * minimise; h' = 0 is the cubic (1−d)Bρ³ + (d−2)Dρ² + (dB + A)ρ − dD = 0, negative at −1 and
     * positive at +1. Its roots in (−1, 1) are bracketed between the turning points and bisected;
     * the root with the smallest h wins, and σ̂² = (A + Bρ̂² − 2Dρ̂)/((1 − ρ̂²) n d).
     */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        double[][] c = StructureMath.scaled(scatter, n);
        int d = c.length;
        double a = StructureMath.trace(c);
        if (d == 1) {
            return new double[] {a};
        }
        double b = a - c[0][0] - c[d - 1][d - 1];
        double dd = StructureMath.bandSum(c, 1);
        double[] cubic = {-d * dd, d * b + a, (d - 2) * dd, (1 - d) * b};
        double best = Double.NaN;
        double bestH = Double.POSITIVE_INFINITY;
        for (double root : rootsInUnitInterval(cubic)) {
            double q = a + b * root * root - 2 * dd * root;
            double h = d * Math.log(q) - Math.log1p(-root * root);
            if (Double.isNaN(best) || h < bestH) {
                best = root;
                bestH = h;
            }
        }
        double limit = 1 - 1e-10;
        double rho = Math.max(-limit, Math.min(limit, best));
        double sigma2 = (a + b * rho * rho - 2 * dd * rho) / ((1 - rho * rho) * d);
        return new double[] {sigma2, rho};
    }

    private static double rho(double[] theta) {
        return theta.length > 1 ? theta[1] : 0;
    }

    /**
     * The matrix scale · ∂^order/∂ρ^order ρ^|j−k| (order 0, 1 or 2), i.e. lag!/(lag−order)! ρ^(lag−order)
     * for lag ≥ order and 0 otherwise.
     */
    private static double[][] lagFunction(int dimension, double scale, double rho, int order) {
        StructureMath.checkDimension(dimension);
        double[] byLag = new double[dimension];
        for (int lag = order; lag < dimension; lag++) {
            double factor = 1;
            for (int m = 0; m < order; m++) {
                factor *= lag - m;
            }
            byLag[lag] = scale * factor * Math.pow(rho, lag - order);
        }
        double[][] s = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < dimension; j++) {
                s[i][j] = byLag[Math.abs(i - j)];
            }
        }
        return s;
    }

    /**
     * Real roots in (−1, 1) of the cubic c0 + c1 x + c2 x² + c3 x³ with a sign change there: the
     * interval is cut at the real turning points (roots of the derivative) and every monotone piece
     * whose ends differ in sign is bisected to machine precision.
     */
    private static List<Double> rootsInUnitInterval(double[] c) {
        List<Double> cuts = new java.util.ArrayList<>();
        cuts.add(-1.0);
        double qa = 3 * c[3];
        double qb = 2 * c[2];
        double qc = c[1];
        if (qa != 0) {
            double disc = qb * qb - 4 * qa * qc;
            if (disc > 0) {
                double sq = Math.sqrt(disc);
                double t = -0.5 * (qb + Math.copySign(sq, qb));
                double r1 = t / qa;
                double r2 = t != 0 ? qc / t : r1;
                double lo = Math.min(r1, r2);
                double hi = Math.max(r1, r2);
                if (lo > -1 && lo < 1) {
                    cuts.add(lo);
                }
                if (hi > -1 && hi < 1 && hi != lo) {
                    cuts.add(hi);
                }
            }
        } else if (qb != 0) {
            double r = -qc / qb;
            if (r > -1 && r < 1) {
                cuts.add(r);
            }
        }
        cuts.add(1.0);
        List<Double> roots = new java.util.ArrayList<>();
        for (int s = 0; s + 1 < cuts.size(); s++) {
            double lo = cuts.get(s);
            double hi = cuts.get(s + 1);
            double flo = cubic(c, lo);
            double fhi = cubic(c, hi);
            if (flo == 0) {
                roots.add(lo);
                continue;
            }
            if (flo * fhi > 0) {
                continue;
            }
            for (int it = 0; it < 200 && hi - lo > 1e-16; it++) {
                double mid = 0.5 * (lo + hi);
                double fm = cubic(c, mid);
                if (fm == 0) {
                    lo = mid;
                    hi = mid;
                    break;
                }
                if ((fm < 0) == (flo < 0)) {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            roots.add(0.5 * (lo + hi));
        }
        if (roots.isEmpty()) {
            roots.add(0.0);
        }
        return roots;
    }

    private static double cubic(double[] c, double x) {
        return ((c[3] * x + c[2]) * x + c[1]) * x + c[0];
    }
}
