package org.lmm4j.em;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;

/**
 * The M-step of EM: each covariance is the structure's maximiser of the expected complete-data
 * log-likelihood Q(S) = −n log det S − tr(S⁻¹C) for its expected scatter C
 * ({@link CovarianceStructure#maximise}); β is not part of it (it is profiled: β̂(θ) by generalised least
 * squares at every θ, the ECME choice, which keeps the profiled criterion monotone).
 *
 * <p>Where a structure's maximiser is numerical (AR(1), Toeplitz) the step is a generalised M-step: the
 * new matrix is kept only when Q does not fall below its value at the old matrix, so the deviance still
 * cannot rise.
 */
final class MStep {

    /** Relative slack allowed when comparing Q before and after a numerical maximiser. */
    private static final double Q_SLACK = 1e-12;

    private MStep() {
    }

    /**
     * The result of an M-step.
     *
     * @param theta           the updated θ = (θ_Σ, θ_Ω)
     * @param sigmaUnbounded  true when the structure's maximiser of Q for Σ is singular while the current Σ is
     *                        positive definite: then sup Q = +∞ over the structure, and with it the likelihood
     *                        (ℓ(θ) − ℓ(θ_old) ≥ Q(θ) − Q(θ_old)) is unbounded; θ_Σ is then left unchanged
     */
    record Update(double[] theta, boolean sigmaUnbounded) {
    }

    /** The updated θ = (θ_Σ, θ_Ω) from the expected scatters at θ. */
    static Update update(ProfiledDeviance deviance, double[] theta, ExpectedScatter e) {
        MixedModel model = deviance.model();
        int t = model.data().occasions();
        double[] sigmaOld = deviance.sigmaTheta(theta);
        double[] sigmaNew;
        boolean unbounded = false;
        if (e.sigmaObservedOnly()) {
            double total = e.sigma()[0][0];
            double s2 = total / e.sigmaCount();
            double old = model.residual().matrix(sigmaOld, t)[0][0];
            if (!(s2 > 0)) {
                unbounded = true;
                sigmaNew = sigmaOld;
            } else {
                sigmaNew = model.residual().parameters(scaledIdentity(s2, t));
                if (!(q1(s2, total, e.sigmaCount()) >= q1(old, total, e.sigmaCount()) - slack(old))) {
                    sigmaNew = sigmaOld;
                }
            }
        } else {
            double[] candidate = candidate(model.residual(), e.sigma(), e.sigmaCount(), sigmaOld.length);
            if (candidate != null && !model.residual().isPositiveDefinite(candidate, t)) {
                unbounded = true;
                sigmaNew = sigmaOld;
            } else {
                sigmaNew = accept(model.residual(), sigmaOld, candidate, e.sigma(), e.sigmaCount(), t, true);
            }
        }
        double[] omegaOld = deviance.omegaTheta(theta);
        double[] omegaNew = omegaOld;
        if (model.randomEffects() != null) {
            int q = model.data().q();
            double[] candidate = candidate(model.randomEffects(), e.omega(), e.omegaCount(), omegaOld.length);
            omegaNew = accept(model.randomEffects(), omegaOld, candidate, e.omega(), e.omegaCount(), q, false);
        }
        return new Update(deviance.join(sigmaNew, omegaNew), unbounded);
    }

    private static double slack(double v) {
        return Q_SLACK * Math.max(1, Math.abs(v));
    }

    /**
     * The structure's maximiser of Q for the scatter, or null when it returns nonsense (wrong length, not finite).
     * A plug-in that throws has a bug: its exception goes to the host, which reports it.
     */
    private static double[] candidate(CovarianceStructure structure, double[][] scatter, double n, int length) {
        double[] candidate = structure.maximise(scatter, n);
        return candidate == null || candidate.length != length || !allFinite(candidate) ? null : candidate;
    }

    /** The candidate, kept only when admissible and when Q does not fall (generalised M-step); else the old θ. */
    private static double[] accept(CovarianceStructure structure, double[] old, double[] candidate,
                                   double[][] scatter, double n, int d, boolean definite) {
        if (candidate == null) {
            return old;
        }
        double[][] sNew = structure.matrix(candidate, d);
        if (definite ? !structure.isPositiveDefinite(candidate, d) : !Matrices.isPositiveSemiDefinite(sNew, 1e-10)) {
            return old;
        }
        double qNew = q(sNew, scatter, n);
        double qOld = q(structure.matrix(old, d), scatter, n);
        if (Double.isFinite(qOld) && Double.isFinite(qNew) && qNew < qOld - slack(qOld)) {
            return old;
        }
        if (Double.isFinite(qOld) && !Double.isFinite(qNew)) {
            // the new matrix is singular where the old was not: only a singular scatter justifies that (a boundary)
            return Double.isFinite(Matrices.logDetSpd(scatter)) ? old : candidate;
        }
        return candidate;
    }

    /** Q(S) = −n log det S − tr(S⁻¹C); −∞ when S is not positive definite. */
    static double q(double[][] s, double[][] scatter, double n) {
        return CovarianceStructure.scatterObjective(s, scatter, n);
    }

    /** Q for a scalar σ² over N observed rows: −N log σ² − s/σ². */
    private static double q1(double s2, double s, double n) {
        return s2 > 0 ? -n * Math.log(s2) - s / s2 : Double.NEGATIVE_INFINITY;
    }

    private static double[][] scaledIdentity(double v, int t) {
        double[][] out = new double[t][t];
        for (int i = 0; i < t; i++) {
            out[i][i] = v;
        }
        return out;
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
