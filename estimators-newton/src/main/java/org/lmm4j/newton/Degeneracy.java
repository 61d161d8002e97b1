package org.lmm4j.newton;

import java.util.List;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.model.Group;

/**
 * How close the covariance matrices are to singularity (DESIGN §1, unbounded likelihood): Σ by the
 * ratio of its smallest to its largest eigenvalue, each V_i by how well one observation is predicted by the
 * others (see {@link org.lmm4j.likelihood.CriterionHessian#worstConditioning()}); and the projection of Ω onto the positive
 * semi-definite cone that makes a boundary fit exact.
 * A degenerate matrix alone is not unboundedness; the estimator also requires the deviance to keep falling.
 */
final class Degeneracy {

    /** Σ is degenerate when its smallest eigenvalue is below this fraction of its largest. */
    static final double SIGMA_RATIO = 1e-10;
    /** Some V_i is degenerate when an observation's 1 − R² on the rest of its group is below this. */
    static final double V_CONDITIONING = 1e-10;
    /** Eigenvalues of Ω below this fraction of its scale are clipped to zero at a converged boundary fit. */
    static final double OMEGA_CLIP = 1e-8;

    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final List<String> occasionLabels;
    private final double meanZSquare;

    Degeneracy(ProfiledDeviance deviance) {
        this.deviance = deviance;
        this.model = deviance.model();
        this.occasionLabels = model.data().occasionLabels();
        int q = model.data().q();
        double s = 0;
        long rows = 0;
        for (Group g : model.data().groups()) {
            for (double z : g.z()) {
                s += z * z;
            }
            rows += g.size();
        }
        this.meanZSquare = q > 0 && rows > 0 ? s / (rows * (double) q) : 0;
    }

    /**
     * A one-line reason when a covariance matrix has degenerated at θ (or the criterion is absurdly low),
     * else null. With random effects a singular Σ alone is no sign of unboundedness: the deviance depends on θ
     * only through the V_i = Z_iΩZ_i' + Σ_i, and while every V_i stays well conditioned it has a finite limit
     * (a boundary fit); only a V_i becoming singular can drive it to −∞.
     */
    String describe(double[] theta, double worstConditioning, String worstGroup, double criterion) {
        CovarianceMatrices c = deviance.covariances(theta);
        String what = null;
        SymmetricEigen se = SymmetricEigen.of(c.sigma());
        double[] ev = se.values();
        boolean vDegenerate = worstConditioning < V_CONDITIONING && worstGroup != null;
        if (ev.length > 0 && (model.data().q() == 0 || vDegenerate)) {
            double top = Math.abs(ev[ev.length - 1]);
            if (top == 0 || ev[0] <= SIGMA_RATIO * top) {
                what = sigmaDegeneration(se);
            }
        }
        if (what == null && vDegenerate) {
            boolean omegaIndefinite = model.data().q() > 0
                    && SymmetricEigen.of(c.omega()).values()[0] < 0;
            what = "V_i of group " + worstGroup + " becomes singular"
                    + (omegaIndefinite ? " (Ω is indefinite: only V_i positive definite is required)" : "");
        }
        if (what == null && criterion < -1e3 * Math.max(1, model.data().observations())) {
            what = "the deviance drops below −1000 per observation";
        }
        return what == null ? null : "the likelihood is unbounded: " + what + " while the deviance falls without bound";
    }

    /** What degenerated when Σ(θ) is singular to within {@link #SIGMA_RATIO}, else null. */
    String sigmaSingular(double[] theta) {
        SymmetricEigen se = SymmetricEigen.of(deviance.covariances(theta).sigma());
        double[] ev = se.values();
        if (ev.length == 0) {
            return null;
        }
        double top = Math.abs(ev[ev.length - 1]);
        return top == 0 || ev[0] <= SIGMA_RATIO * top ? sigmaDegeneration(se) : null;
    }

    /**
     * The diagonal variances of Σ(θ) that are negligible (below {@link #SIGMA_RATIO} of the largest), named by
     * occasion ("the variances at occasions 1, 4 are at zero"), or null when there are none.
     */
    String zeroVariances(double[] theta) {
        double[][] sigma = deviance.covariances(theta).sigma();
        int t = sigma.length;
        double top = 0;
        for (int i = 0; i < t; i++) {
            top = Math.max(top, sigma[i][i]);
        }
        if (t == 0) {
            return null;
        }
        if (model.residual().isScalar()) {
            return sigma[0][0] <= SIGMA_RATIO * Math.max(top, Double.MIN_NORMAL) || top == 0
                    ? "the residual variance is at zero" : null;
        }
        List<String> zero = new java.util.ArrayList<>();
        for (int i = 0; i < t; i++) {
            if (sigma[i][i] <= SIGMA_RATIO * top) {
                zero.add(i < occasionLabels.size() ? occasionLabels.get(i) : String.valueOf(i + 1));
            }
        }
        if (zero.isEmpty()) {
            return null;
        }
        return zero.size() == 1 ? "the variance at occasion " + zero.get(0) + " is at zero"
                : "the variances at occasions " + String.join(", ", zero) + " are at zero";
    }

    /**
     * When Σ(θ) is singular to within {@link #SIGMA_RATIO}: the gradient of its smallest eigenvalue with respect to
     * θ (∂λ_min/∂θ_k = e'(∂Σ/∂θ_k)e, zero for the Ω part), the normal of the edge of the admissible region; else null.
     */
    double[] sigmaEdgeNormal(double[] theta) {
        SymmetricEigen se = SymmetricEigen.of(deviance.covariances(theta).sigma());
        double[] ev = se.values();
        if (ev.length == 0) {
            return null;
        }
        double top = Math.abs(ev[ev.length - 1]);
        if (!(top == 0 || ev[0] <= SIGMA_RATIO * top)) {
            return null;
        }
        int t = ev.length;
        double[][][] d = model.residual().derivatives(deviance.sigmaTheta(theta), t);
        double[] a = new double[theta.length];
        for (int k = 0; k < d.length; k++) {
            double s = 0;
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    s += se.vectors()[i][0] * d[k][i][j] * se.vectors()[j][0];
                }
            }
            a[k] = s;
        }
        return a;
    }

    private String sigmaDegeneration(SymmetricEigen se) {
        int t = se.values().length;
        if (t == 1 || model.residual().isScalar()) {
            return "the residual variance goes to zero";
        }
        int best = 0;
        double bestWeight = 0;
        for (int i = 0; i < t; i++) {
            double w = se.vectors()[i][0] * se.vectors()[i][0];
            if (w > bestWeight) {
                bestWeight = w;
                best = i;
            }
        }
        if (bestWeight > 0.9) {
            String label = best < occasionLabels.size() ? occasionLabels.get(best) : String.valueOf(best + 1);
            return "the variance at occasion " + label + " goes to zero";
        }
        return "Σ becomes singular (its smallest eigenvalue relative to the largest goes to zero)";
    }

    /** θ with eigenvalues of Ω set to zero, and the eigenvectors e of those eigenvalues. */
    record Clipped(double[] theta, List<double[]> directions) {
    }

    /**
     * θ with the eigenvalues of Ω below {@code relative} × max(largest eigenvalue, residual variance / mean z²)
     * set to zero and Ω re-expressed in its structure; null when nothing would change.
     */
    Clipped clipOmega(double[] theta, double relative) {
        int q = model.data().q();
        if (q == 0) {
            return null;
        }
        CovarianceMatrices c = deviance.covariances(theta);
        SymmetricEigen se = SymmetricEigen.of(c.omega());
        double[] ev = se.values();
        double sigmaScale = 0;
        for (int i = 0; i < c.sigma().length; i++) {
            sigmaScale += c.sigma()[i][i];
        }
        sigmaScale /= Math.max(1, c.sigma().length);
        double ref = Math.max(Math.abs(ev[q - 1]), meanZSquare > 0 ? sigmaScale / meanZSquare : 0);
        double[] clipped = ev.clone();
        boolean changed = false;
        List<double[]> directions = new java.util.ArrayList<>();
        for (int i = 0; i < q; i++) {
            if (ev[i] <= relative * ref) {
                changed |= ev[i] != 0;
                clipped[i] = 0;
                double[] e = new double[q];
                for (int a = 0; a < q; a++) {
                    e[a] = se.vectors()[a][i];
                }
                directions.add(e);
            }
        }
        if (!changed) {
            return null;
        }
        double[][] omega = se.compose(clipped);
        double[] omegaTheta = model.randomEffects().parameters(omega);
        return new Clipped(deviance.join(deviance.sigmaTheta(theta), omegaTheta), directions);
    }
}
