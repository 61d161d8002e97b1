package org.lmm4j.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every tolerance of the optimisation core in one record, as lme4 keeps them in {@code lmerControl}: the shared
 * second-order step ({@link org.lmm4j.optimise.SecondOrderStep}), the owner of boundaries and degeneracy
 * ({@link org.lmm4j.optimise.Boundary}), the profiled Newton loop ({@link org.lmm4j.optimise.ProfiledNewton}) and
 * the singular-fit check. Shown by {@code --verbose} and recorded in every fit's provenance
 * (docs/DESIGN.md, "Tolerances").
 *
 * @param armijo             sufficient-decrease constant of the back-tracking line search: f(x + αd) ≤ f(x) + armijo·α·g'd
 * @param maxHalvings        step halvings before the line search gives up
 * @param eigenFloor         relative eigenvalue floor of the modified (eigen-floored) Newton or scoring metric
 * @param boundaryTol        eigenvalues of Ω below this fraction of its scale are set to zero at a converged
 *                           boundary fit, so that the fit is exactly singular (lme4's {@code boundary.tol})
 * @param releaseZero        an eigenvalue of Σ or Ω below this fraction of its scale counts as "at zero" when the
 *                           Karush–Kuhn–Tucker sign is checked before convergence is accepted
 * @param maxReleases        times a converged run may step back inside from a boundary where the KKT sign fails
 * @param faceProbe          relative eigenvalue of Ω below which the face of the cone where it is zero is tried
 * @param facePhase          relative fall of the criterion per iteration below which that face is tried
 * @param sigmaDegenerate    Σ is degenerate when its smallest eigenvalue is below this fraction of its largest
 * @param vConditioning      some V_i is degenerate when an observation's 1 − R² on the rest of its group is below this
 * @param falling            a fall of the criterion per iteration (deviance units) that counts as "still falling"
 * @param fallingStreak      consecutive falling iterations at a degenerate covariance matrix that prove unboundedness
 * @param unboundedPerRow    a criterion below −(this × N) is unbounded whatever else is seen
 * @param decadeFall         along a path to a singular limit, a fall of the criterion per decade of distance above
 *                           this proves unboundedness (the decade test)
 * @param stallLimit         consecutive cut steps without progress after which a run has stalled
 * @param singularTol        a fit is singular when Σ's smallest eigenvalue is below this fraction of its largest
 *                           (lme4's {@code check.conv.singular} relative scale)
 * @param singularOmega      ... or Ω's smallest eigenvalue is below this fraction of the residual variance
 *                           (lme4 flags relative Cholesky factors below 1e-4, i.e. relative variances below 1e-8)
 * @param multiStart         try the extra start values of {@link org.lmm4j.likelihood.StartValues#candidates} where
 *                           the likelihood may have several minima, and keep the best converged run
 */
public record Control(double armijo, int maxHalvings, double eigenFloor, double boundaryTol, double releaseZero,
                      int maxReleases, double faceProbe, double facePhase, double sigmaDegenerate,
                      double vConditioning, double falling, int fallingStreak, double unboundedPerRow, double decadeFall,
                      int stallLimit, double singularTol, double singularOmega, boolean multiStart) {

    /** The defaults, the values every test of the project was run with. */
    public static Control defaults() {
        return new Control(1e-4, 60, 1e-10, 1e-8, 1e-6, 5, 1e-4, 1e-6, 1e-10, 1e-10, 1e-3, 3, 1e3, 1.0, 20, 1e-6, 1e-8,
                true);
    }

    /** The same control with multi-start on or off. */
    public Control withMultiStart(boolean on) {
        return new Control(armijo, maxHalvings, eigenFloor, boundaryTol, releaseZero, maxReleases, faceProbe,
                facePhase, sigmaDegenerate, vConditioning, falling, fallingStreak, unboundedPerRow, decadeFall, stallLimit,
                singularTol, singularOmega, on);
    }

    /** The fields by name, for {@code --verbose} and the provenance. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var c : Control.class.getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(this));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }
}
