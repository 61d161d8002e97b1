package org.lmm4j.testkit;

import java.util.Arrays;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The paper's formulas evaluated the plain way, as a reference for the library: V_i = Z_iΩZ_i' +
 * Σ[t_i,t_i] built as a dense m_i×m_i matrix and inverted, A = Σ X_i'V_i⁻¹X_i, β̂ = A⁻¹ Σ X_i'V_i⁻¹y_i,
 * Δ_p = Σ_i [log det V_i + r_i'V_i⁻¹r_i], Δ_R = Δ_p + log det A. Test-only and slow on purpose.
 *
 * @param logDetV   Σ_i log det V_i
 * @param rss       Σ_i r_i'V_i⁻¹r_i at β̂
 * @param logDetA   log det A
 * @param beta      β̂
 */
public record DenseLikelihood(double logDetV, double rss, double logDetA, double[] beta) {

    /** Δ_p(θ). */
    public double ml() {
        return logDetV + rss;
    }

    /** Δ_R(θ). */
    public double reml() {
        return ml() + logDetA;
    }

    /** The reference values at θ (θ must be admissible). */
    public static DenseLikelihood at(MixedModel model, double[] theta) {
        ModelData d = model.data();
        int p = d.p();
        int q = d.q();
        int t = d.occasions();
        int ns = model.sigmaParameterCount();
        boolean scalar = model.residual().isScalar();
        double[][] sigma = model.residual().matrix(Arrays.copyOfRange(theta, 0, ns), t);
        double[][] omega = q == 0 ? new double[0][0]
                : model.randomEffects().matrix(Arrays.copyOfRange(theta, ns, theta.length), q);
        double[][] a = new double[p][p];
        double[] xty = new double[p];
        double logDet = 0;
        double[][][] inverses = new double[d.groupCount()][][];
        int gi = 0;
        for (Group g : d.groups()) {
            int m = g.size();
            double[][] z = Dense.rows(g.z(), m, q);
            double[][] v = q == 0 ? new double[m][m] : Dense.times(Dense.times(z, omega), Dense.transpose(z));
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    // a scalar Σ is σ²I whatever the occasions (they repeat in crossed terms' one group)
                    v[j][k] += scalar ? (j == k ? sigma[0][0] : 0) : sigma[g.occasion()[j]][g.occasion()[k]];
                }
            }
            double[][] vi = Matrices.inverseSpd(v);
            if (vi == null) {
                throw new IllegalArgumentException("V_" + g.id() + " is not positive definite");
            }
            inverses[gi++] = vi;
            logDet += Matrices.logDetSpd(v);
            double[][] x = Dense.rows(g.x(), m, p);
            double[][] xtvi = Dense.times(Dense.transpose(x), vi);
            double[][] xtvix = Dense.times(xtvi, x);
            double[] xtviy = Dense.times(xtvi, g.y());
            for (int r = 0; r < p; r++) {
                xty[r] += xtviy[r];
                for (int c = 0; c < p; c++) {
                    a[r][c] += xtvix[r][c];
                }
            }
        }
        double[][] ai = Dense.inverse(a);
        double[] beta = Dense.times(ai, xty);
        double rss = 0;
        gi = 0;
        for (Group g : d.groups()) {
            double[][] x = Dense.rows(g.x(), g.size(), p);
            double[] fit = Dense.times(x, beta);
            double[] res = new double[g.size()];
            for (int j = 0; j < res.length; j++) {
                res[j] = g.y()[j] - fit[j];
            }
            double[] w = Dense.times(inverses[gi++], res);
            for (int j = 0; j < res.length; j++) {
                rss += res[j] * w[j];
            }
        }
        return new DenseLikelihood(logDet, rss, p == 0 ? 0 : Matrices.logDetSpd(a), beta);
    }
}
