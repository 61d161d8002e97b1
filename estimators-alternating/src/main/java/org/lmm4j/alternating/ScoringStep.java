package org.lmm4j.alternating;

import org.lmm4j.api.FitOptions;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.optimise.Coordinates;
import org.lmm4j.optimise.SecondOrderStep;

/**
 * The general θ-step: minimises F(β, θ) over θ with β fixed (see {@link FixedBetaObjective}) where no closed form
 * exists — random effects, occasions missing in some groups, or REML — by Fisher scoring: inner steps of the shared
 * {@link SecondOrderStep} with the gradient ∂F/∂θ at fixed β ({@link ProfiledDeviance#gradientAtBeta}) and the
 * expected information I(θ) of F(β, ·) as the metric ({@link org.lmm4j.likelihood.ExpectedInformation}: Σ_i
 * tr(V_i⁻¹V_ikV_i⁻¹V_il) for ML, minus tr(A⁻¹M_kA⁻¹M_l) for REML). The steps run in the optimisation core's
 * {@link Coordinates} (Ω = ΛΛ' when it must stay positive semi-definite, squared variances), with the metric carried
 * over by the chain rule, so Ω never leaves its cone and a variance can reach zero. F never rises (Armijo); the
 * inner steps stop when F no longer falls by more than the tolerance times N (not times |F|, which the units of y
 * shift by 2N log|a| under y → a·y).
 */
final class ScoringStep {

    private final FixedBetaObjective objective;
    private final ProfiledDeviance deviance;
    private final FitOptions options;
    private final int maxInner;
    private final SecondOrderStep stepper;

    ScoringStep(FixedBetaObjective objective, FitOptions options, int maxInner) {
        this.objective = objective;
        this.deviance = objective.deviance();
        this.options = options;
        this.maxInner = maxInner;
        this.stepper = new SecondOrderStep(options.control());
    }

    /** Minimises F(β, ·) from an admissible θ. */
    ThetaUpdate minimise(double[] beta, double[] start) {
        Coordinates coords = Coordinates.of(deviance.model(), start, options.constrainPsd());
        double[] phi = coords.phi(start);
        double[] theta = coords.theta(phi);
        Gradient g = objective.gradient(beta, theta);
        if (g == null) {
            return new ThetaUpdate(start, Double.POSITIVE_INFINITY, 0, Double.NaN);
        }
        double startNorm = g.norm();
        double f = g.criterion();
        int observations = deviance.model().data().observations();
        boolean checkOmega = options.constrainPsd() && !coords.omegaAlwaysPsd();
        int steps = 0;
        while (steps < maxInner) {
            double[] info = objective.information(theta, g.profile());
            if (info == null) {
                break;
            }
            double[][] metric = coords.hessian(phi, g.theta(), Matrices.square(info, theta.length));
            double[] gPhi = coords.gradient(phi, g.theta());
            SecondOrderStep.Step step = stepper.step((x, full) -> {
                double[] t = coords.theta(x);
                return deviance.isAdmissible(t, checkOmega) ? objective.value(beta, t) : Double.POSITIVE_INFINITY;
            }, phi, f, gPhi, metric, 1e-14 * (Math.abs(f) + observations));
            if (step == null) {
                break;
            }
            double fall = f - step.value();
            phi = step.x();
            theta = coords.theta(phi);
            steps++;
            g = objective.gradient(beta, theta);
            if (g == null) {
                break;
            }
            f = g.criterion();
            if (fall <= options.tolerance() * observations) {
                break;
            }
        }
        return new ThetaUpdate(theta, f, steps, startNorm);
    }
}
