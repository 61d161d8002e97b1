package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CriterionHessian;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;

/**
 * Satterthwaite's denominator degrees of freedom for t tests of the fixed effects, as lmerTest computes them
 * (Kuznetsova, Brockhoff &amp; Christensen 2017, eq. 4): for a contrast L,
 * <pre>  ν = 2 (L'C(θ̂)L)² / (g'Ag),  g_k = ∂(L'C(θ)L)/∂θ_k,  A = 2 H⁻¹,</pre>
 * with C(θ) = (Σ X_i'V_i⁻¹X_i)⁻¹ the covariance of the GLS estimate ({@link ProfiledDeviance#profile}), H the
 * Hessian of the model's criterion (the REML or ML deviance) over the covariance parameters θ at θ̂, so that A
 * is their asymptotic covariance. H is analytic where the likelihood offers it (Σ = σ²I, from sufficient
 * statistics), else the numerical Jacobian of the analytic gradient; ∂C/∂θ_k = A⁻¹C_kA⁻¹ comes from the same pass
 * ({@link ProfiledDeviance#hessianAndCovarianceDerivatives}), numerical ({@link NumericalDerivative}) only for crossed
 * terms on the blocked path. ν does not depend on how θ is parametrised, since the gradient vanishes at θ̂.
 */
public final class Satterthwaite {

    /**
     * Richardson levels for ∂C/∂θ: two (h, h/2; error O(h⁴) ≈ 1e-16 relative at h = 1e-4 θ) are far inside the
     * accuracy df needs and halve the cost of numDeriv's four, which counts on a million rows.
     */
    static final int COVARIANCE_LEVELS = 2;

    private Satterthwaite() {
    }

    /**
     * The t test of every fixed effect of a fit; df is NaN (with p) when θ̂ is on the boundary of the parameter
     * space or the Hessian there is not positive definite.
     */
    public static List<FixedEffectTest> tests(MixedModel model, FitResult fit) {
        return tests(new ProfiledDeviance(model), fit);
    }

    /**
     * {@link #tests(MixedModel, FitResult)} on the criterion the fit minimised ({@link
     * org.lmm4j.optimise.Fitting#fitted}), which is not built again.
     */
    public static List<FixedEffectTest> tests(ProfiledDeviance deviance, FitResult fit) {
        double[] theta = fit.theta();
        double[][] cov = fit.covFixedEffects();
        int p = cov.length;
        Gradient at = deviance.gradient(theta);
        CriterionHessian second = at == null ? null : deviance.hessianAndCovarianceDerivatives(theta, at);
        double[][] a = second == null ? null : thetaCovariance(second.hessian());
        double[][] dC = a == null ? null : second.covarianceDerivatives() != null
                ? flattened(second.covarianceDerivatives())
                : NumericalDerivative.jacobian(t -> {
                    Profile pr = deviance.profile(t);
                    return pr.admissible() ? Matrices.flatten(pr.covBeta()) : null;
                }, theta, COVARIANCE_LEVELS);
        List<FixedEffectTest> out = new ArrayList<>(p);
        for (int j = 0; j < p; j++) {
            double var = cov[j][j];
            double df = Double.NaN;
            if (dC != null) {
                double[] g = new double[theta.length];
                for (int k = 0; k < theta.length; k++) {
                    g[k] = dC[k][j * p + j];
                }
                double gag = 0;
                for (int k = 0; k < g.length; k++) {
                    for (int l = 0; l < g.length; l++) {
                        gag += g[k] * a[k][l] * g[l];
                    }
                }
                df = theta.length == 0 ? Double.POSITIVE_INFINITY : 2 * var * var / gag;
            }
            double se = Math.sqrt(var);
            double t = fit.fixedEffects()[j] / se;
            out.add(new FixedEffectTest(fit.fixedNames().get(j), fit.fixedEffects()[j], se, df, t, twoSided(t, df)));
        }
        return out;
    }

    /** 2 P(T_ν &gt; |t|); the normal tail for ν = ∞, NaN for a NaN or non-positive ν. */
    public static double twoSided(double t, double df) {
        if (!(df > 0)) {
            return Double.NaN;
        }
        if (Double.isInfinite(df)) {
            return 2 * new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1).cumulativeProbability(-Math.abs(t));
        }
        return 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    }

    /** ∂C/∂θ_k as row k of a K × p² array (the layout of {@link NumericalDerivative#jacobian}). */
    private static double[][] flattened(double[][][] derivatives) {
        double[][] out = new double[derivatives.length][];
        for (int k = 0; k < derivatives.length; k++) {
            out[k] = Matrices.flatten(derivatives[k]);
        }
        return out;
    }

    /** A = 2 H⁻¹, the asymptotic covariance of θ̂; null when H is missing or not positive definite. */
    static double[][] thetaCovariance(double[][] h) {
        if (h == null) {
            return null;
        }
        int n = h.length;
        double[][] sym = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                sym[k][l] = 0.5 * (h[k][l] + h[l][k]);
            }
        }
        double[][] inv = Matrices.inverseSpd(sym);
        if (inv == null) {
            return null;
        }
        for (double[] row : inv) {
            for (int l = 0; l < n; l++) {
                row[l] *= 2;
            }
        }
        return inv;
    }
}
