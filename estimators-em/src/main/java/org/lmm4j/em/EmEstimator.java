package org.lmm4j.em;

import org.lmm4j.api.Estimator;
import org.lmm4j.api.EstimatorRun;
import org.lmm4j.api.FitOptions;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The paper's second route: the EM algorithm with the random coefficients as missing data (Laird &amp;
 * Ware 1982) and, for a structured Σ over T occasions, the unobserved occasions as missing data as well
 * (Jennrich &amp; Schluchter 1986). Complete data per group are (b_i, e_i) with e_i over all T occasions;
 * the E-step ({@link EStep}) gives the expected scatters Σ_i E(b_ib_i'|y) and Σ_i E(e_ie_i'|y); the M-step
 * ({@link MStep}) is each structure's maximiser of −n log det S − tr(S⁻¹C), a generalised M-step where that
 * maximiser is numerical; β is the generalised least squares β̂(θ) at every θ (ECME), so the monitored
 * criterion — Δ_p for ML, Δ_R for REML — never rises.
 *
 * <p>REML is the variant that treats β as random with a flat prior (Laird, Lange &amp; Stram 1987): the
 * conditional variances of b_i and e_i gain the term from Var(β̂) = (Σ X_i'V_i⁻¹X_i)⁻¹.
 *
 * <p>With {@link FitOptions#accelerate()} the iteration is accelerated by SQUAREM ({@link Squarem}), with a
 * safeguard that falls back to the plain EM step whenever the extrapolation is inadmissible or raises the
 * criterion. Because plain EM only creeps towards a boundary (e.g. Ω̂ = 0 when the random effects are
 * confounded with the fixed effects), every few iterations the boundary point with Ω's shrinking
 * eigen-directions set to zero is tried, and taken when its criterion is lower; a converged boundary point
 * is released again when the gradient shows that the criterion falls into the interior. EM keeps Ω positive
 * semi-definite in any case: its M-step is a scatter matrix.
 *
 * <p>Polishing. EM converges sublinearly when the minimum is on the boundary of the parameter space (a variance
 * of Ω → 0, or of Σ → 0 while Z_iΩZ_i' keeps V_i positive definite) and slowly along flat ridges. When EM has
 * clearly slowed down (over 20 iterations the criterion fell by less than 10⁻⁶ per iteration, relative, and by
 * more than half its fall over the 20 before), when its own convergence test is met, or at the iteration limit
 * after a small last change, the fit is finished by projected Newton steps on the criterion ({@link Polish}):
 * the analytic gradient of the profiled likelihood, a Hessian from differences of it, Σ kept positive definite
 * and Ω positive semi-definite (active faces where the Karush–Kuhn–Tucker condition holds, steps cut at the
 * boundary), and a step is taken only when it lowers the criterion. These steps are not EM: the trace records
 * them as iterations of their own (step length = the Newton step λ) and the result's reason names them. The EM
 * iterations keep their monotonicity guarantee, and the final criterion is never above the best EM point.
 *
 * <p>Status: CONVERGED when the relative change of the criterion is below the tolerance and Σ and Ω have
 * stopped moving (confirmed by a Newton step), or when polishing converged (Newton decrement and scaled gradient
 * on the free directions small); UNBOUNDED when Σ degenerates (smallest/largest eigenvalue → 0) while the
 * criterion keeps falling, and the degeneration is confirmed: the criterion falls by more than 1 per decade of
 * the vanishing eigenvalues, or it fell by more than 0.5 per iteration over the last three while the eigenvalue
 * ratio kept shrinking (a boundary minimum with a finite deviance passes neither); NOT_CONVERGED at the iteration
 * limit (with the best point, which is the last: the criterion is monotone); FAILED when no admissible start
 * exists (a moment start with a zero variance is first ridged: Σ + 10⁻²λ_max I).
 */
public final class EmEstimator implements Estimator {

    @Override
    public String name() {
        return "em";
    }

    @Override
    public String description() {
        return "EM: random effects and missing occasions as missing data (Laird-Ware, Jennrich-Schluchter), "
                + "SQUAREM-accelerated";
    }

    @Override
    public EstimatorRun minimise(ProfiledDeviance criterion, double[] start, FitOptions options) {
        return new EmRun(criterion, options, start).execute();
    }
}
