package org.lmm4j.alternating;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.linalg.Matrices;

/**
 * The general θ-step: minimises F(β, θ) over θ with β fixed (see {@link FixedBetaObjective}) where no
 * closed form exists — random effects, occasions missing in some groups, or REML.
 *
 * <p>The choice: inner Fisher-scoring steps d = −I(θ)⁻¹ ∂F/∂θ, where ∂F/∂θ at fixed β is the matrix gradient
 * of {@link ProfiledDeviance#gradientAtBeta} (tr[(V_i⁻¹ − V_i⁻¹r_ir_i'V_i⁻¹) ∂V_i/∂θ_k], plus REML's
 * log det term) and I(θ) is the expected Hessian of F(β, ·): Σ_i tr(V_i⁻¹V_ikV_i⁻¹V_il) for ML, minus
 * tr(A⁻¹M_kA⁻¹M_l) for REML ({@link org.lmm4j.likelihood.ExpectedInformation}).
 * <ul>
 *   <li>Each step is halved until F strictly falls, so F never rises; when halving does not lower F (a nearly
 *       singular I), Levenberg–Marquardt damping (I + μ diag I) is raised until it does, and a scaled gradient
 *       step is the last resort. Steps stop when F no longer falls by more than the tolerance.</li>
 *   <li>Σ's bound (an active set): a Σ parameter whose step leaves the positive definite region at once (a
 *       variance near zero while V_i stays positive definite through Ω) is taken out of the scoring step and
 *       moved half way to its bound, so it approaches the bound geometrically while the others are scored.</li>
 *   <li>Ω's cone, when Ω must stay positive semi-definite: every trial point is projected onto the cone
 *       (negative eigenvalues set to zero, {@link PsdProjection}); on the boundary (Ω singular, Ω = 0 included)
 *       the step is restricted to the cone's tangent directions within Ω's face when no move off it lowers F
 *       to first order (an active set). After the inner steps an Ω near singularity is compared with its
 *       boundary point (negligible eigenvalues set to zero, and Ω = 0), which is kept when it is no worse.</li>
 * </ul>
 */
final class ScoringStep {

    private static final int MAX_HALVINGS = 20;
    /** Levels of Levenberg–Marquardt damping μ = 1e-4 … 1e4 tried when the plain scoring step does not lower F. */
    private static final int DAMPING_LEVELS = 9;
    private static final int DAMPED_HALVINGS = 8;
    /** Relative eigenvalue of Ω below which the boundary point is tested. */
    static final double NEAR_SINGULAR = 1e-5;

    private final FixedBetaObjective objective;
    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final boolean constrainPsd;
    private final double tolerance;
    private final int maxInner;
    private final int nSigma;
    private final int q;

    ScoringStep(FixedBetaObjective objective, boolean constrainPsd, double tolerance, int maxInner) {
        this.objective = objective;
        this.deviance = objective.deviance();
        this.model = deviance.model();
        this.constrainPsd = constrainPsd;
        this.tolerance = tolerance;
        this.maxInner = maxInner;
        this.nSigma = model.sigmaParameterCount();
        this.q = model.data().q();
    }

    /** Minimises F(β, ·) from an admissible θ. */
    ThetaUpdate minimise(double[] beta, double[] start) {
        double[] theta = start.clone();
        Gradient g = objective.gradient(beta, theta);
        if (g == null) {
            return new ThetaUpdate(theta, Double.POSITIVE_INFINITY, 0, Double.NaN, null);
        }
        double startNorm = g.norm();
        double f = g.criterion();
        int steps = 0;
        boolean[] sigmaActive = new boolean[nSigma];
        java.util.Arrays.fill(sigmaActive, true);
        while (steps < maxInner) {
            double[] info = objective.information(theta, g.profile());
            if (info == null) {
                break;
            }
            int k = theta.length;
            List<double[]> omegaColumns = omegaStepBasis(theta, g);
            List<double[]> basis = basis(sigmaActive, omegaColumns, k);
            double[] d = direction(info, g.theta(), basis, 0);
            double[] boundaryMove = new double[k];
            for (int pass = 0; pass < nSigma && holdBlockedSigma(theta, d, sigmaActive, boundaryMove); pass++) {
                basis = basis(sigmaActive, omegaColumns, k);
                d = direction(info, g.theta(), basis, 0);
            }
            addTo(d, boundaryMove);
            double decrement = 0;
            for (int a = 0; a < k; a++) {
                decrement -= g.theta()[a] * d[a];
            }
            if (!(decrement > 0.1 * tolerance * (1 + Math.abs(f)))) {
                break;
            }
            double[] accepted = null;
            double acceptedValue = f;
            for (int level = 0; level <= DAMPING_LEVELS + 1 && accepted == null; level++) {
                int halvings = DAMPED_HALVINGS;
                if (level == 0) {
                    halvings = MAX_HALVINGS;
                } else if (level <= DAMPING_LEVELS) {
                    d = direction(info, g.theta(), basis, 1e-4 * Math.pow(10, level - 1));
                    addTo(d, boundaryMove);
                } else {
                    d = scaledGradient(info, g.theta(), basis);
                    addTo(d, boundaryMove);
                    halvings = 2 * MAX_HALVINGS;
                }
                double alpha = 1;
                for (int h = 0; h < halvings; h++, alpha *= 0.5) {
                    double[] trial = theta.clone();
                    for (int a = 0; a < k; a++) {
                        trial[a] += alpha * d[a];
                    }
                    trial = projectOmega(trial);
                    double value = objective.value(beta, trial);
                    if (value < f) {
                        accepted = trial;
                        acceptedValue = value;
                        break;
                    }
                }
            }
            if (accepted == null) {
                break;
            }
            steps++;
            double drop = f - acceptedValue;
            theta = accepted;
            f = acceptedValue;
            g = objective.gradient(beta, theta);
            if (g == null) {
                break;
            }
            if (drop <= tolerance * (1 + Math.abs(f))) {
                break;
            }
        }
        if (constrainPsd && q > 0) {
            double[] boundary = boundaryPoint(beta, theta, f);
            if (boundary != null) {
                theta = boundary;
                f = objective.value(beta, theta);
            }
        }
        return new ThetaUpdate(theta, f, steps, startNorm, null);
    }

    /**
     * The directions Ω may move in, as θ-vectors (zero in the Σ part). In the interior of the cone, or when Ω is
     * not constrained: every Ω parameter. On the boundary, Ω = U_r Λ U_r' of rank r &lt; q: when the matrix
     * gradient projected on the null space, U_⊥'G_ΩU_⊥, is positive semi-definite no move off the face lowers F,
     * so Ω moves in the cone's tangent directions without that null-space part, Ω + U_rSU_r' + U_rWU_⊥' + U_⊥W'U_r'
     * (S symmetric r×r, W any r×(q−r); r = 0 holds Ω = 0); otherwise every parameter.
     */
    private List<double[]> omegaStepBasis(double[] theta, Gradient g) {
        int k = theta.length;
        List<double[]> cols = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        for (int a = nSigma; a < k; a++) {
            double[] e = new double[k];
            e[a] = 1;
            all.add(e);
        }
        if (!constrainPsd || q == 0) {
            return all;
        }
        CovarianceStructure structure = model.randomEffects();
        double[][] omega = structure.matrix(deviance.omegaTheta(theta), q);
        PsdProjection.Eigen eig = PsdProjection.eigen(omega);
        double top = 0;
        for (double v : eig.values()) {
            top = Math.max(top, v);
        }
        List<double[]> range = new ArrayList<>();
        List<double[]> nullSpace = new ArrayList<>();
        for (int j = 0; j < q; j++) {
            (eig.values()[j] > 1e-9 * top && top > 0 ? range : nullSpace).add(eig.vectors()[j]);
        }
        if (nullSpace.isEmpty()) {
            return all;
        }
        double[][] gOmega = g.omegaGradient();
        int nn = nullSpace.size();
        double[][] projected = new double[nn][nn];
        for (int a = 0; a < nn; a++) {
            for (int b = 0; b < nn; b++) {
                projected[a][b] = quadratic(nullSpace.get(a), gOmega, nullSpace.get(b));
            }
        }
        double[] ev = Matrices.eigenvalues(projected);
        double scale = Math.max(Math.abs(ev[0]), Math.abs(ev[ev.length - 1]));
        if (ev[0] < -1e-10 * Math.max(scale, Double.MIN_NORMAL)) {
            return all;
        }
        int r = range.size();
        List<double[]> tangent = new ArrayList<>(range);
        tangent.addAll(nullSpace);
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < tangent.size(); b++) {
                if (b < r && b > a) {
                    continue;
                }
                double[][] m = new double[q][q];
                double[] ua = range.get(a);
                double[] ub = tangent.get(b);
                for (int i = 0; i < q; i++) {
                    for (int j = 0; j < q; j++) {
                        m[i][j] = ua[i] * ub[j] + ub[i] * ua[j];
                    }
                }
                double[] omegaDirection = structure.parameters(m);
                double[] col = new double[k];
                System.arraycopy(omegaDirection, 0, col, nSigma, omegaDirection.length);
                cols.add(col);
            }
        }
        return cols;
    }

    private static double quadratic(double[] u, double[][] a, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
                s += u[i] * a[i][j] * v[j];
            }
        }
        return s;
    }

    /** The unit vectors of the active Σ parameters followed by the Ω directions. */
    private static List<double[]> basis(boolean[] sigmaActive, List<double[]> omegaColumns, int k) {
        List<double[]> cols = new ArrayList<>();
        for (int a = 0; a < sigmaActive.length; a++) {
            if (sigmaActive[a]) {
                double[] e = new double[k];
                e[a] = 1;
                cols.add(e);
            }
        }
        cols.addAll(omegaColumns);
        return cols;
    }

    /**
     * d = C x with x = −(H + μ diag H)⁻¹C'g, H = C'IC, for the columns C of the step basis: the scoring step
     * restricted to the basis, with a ridge when H is singular; μ = 0 is the plain scoring step, a large μ a
     * scaled steepest descent.
     */
    private static double[] direction(double[] info, double[] grad, List<double[]> basis, double mu) {
        int k = grad.length;
        int n = basis.size();
        double[] h = reducedInformation(info, basis, k);
        double[] gr = reducedGradient(grad, basis);
        double maxDiag = 0;
        for (int a = 0; a < n; a++) {
            maxDiag = Math.max(maxDiag, Math.abs(h[a * n + a]));
        }
        double ridge = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            double[] l = h.clone();
            for (int a = 0; a < n; a++) {
                l[a * n + a] += ridge + mu * Math.max(h[a * n + a], 1e-12 * maxDiag);
            }
            if (Cholesky.factor(l, n)) {
                double[] x = new double[n];
                for (int a = 0; a < n; a++) {
                    x[a] = -gr[a];
                }
                Cholesky.solve(l, n, x, 1);
                return expand(x, basis, k);
            }
            ridge = ridge == 0 ? 1e-12 * Math.max(maxDiag, 1e-300) : ridge * 10;
        }
        return scaledGradient(info, grad, basis);
    }

    /** The steepest-descent direction −(C'g)_a / H_aa in the basis (the last resort of the search). */
    private static double[] scaledGradient(double[] info, double[] grad, List<double[]> basis) {
        int k = grad.length;
        int n = basis.size();
        double[] h = reducedInformation(info, basis, k);
        double[] gr = reducedGradient(grad, basis);
        double maxDiag = 0;
        for (int a = 0; a < n; a++) {
            maxDiag = Math.max(maxDiag, Math.abs(h[a * n + a]));
        }
        double[] x = new double[n];
        for (int a = 0; a < n; a++) {
            x[a] = -gr[a] / Math.max(Math.abs(h[a * n + a]), 1e-12 * Math.max(maxDiag, 1e-300));
        }
        return expand(x, basis, k);
    }

    private static double[] reducedInformation(double[] info, List<double[]> basis, int k) {
        int n = basis.size();
        double[][] ic = new double[n][k];
        for (int a = 0; a < n; a++) {
            double[] c = basis.get(a);
            for (int i = 0; i < k; i++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += info[i * k + j] * c[j];
                }
                ic[a][i] = s;
            }
        }
        double[] h = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double s = 0;
                double[] c = basis.get(a);
                for (int i = 0; i < k; i++) {
                    s += c[i] * ic[b][i];
                }
                h[a * n + b] = s;
            }
        }
        return h;
    }

    private static double[] reducedGradient(double[] grad, List<double[]> basis) {
        double[] gr = new double[basis.size()];
        for (int a = 0; a < gr.length; a++) {
            double[] c = basis.get(a);
            for (int i = 0; i < grad.length; i++) {
                gr[a] += c[i] * grad[i];
            }
        }
        return gr;
    }

    private static double[] expand(double[] x, List<double[]> basis, int k) {
        double[] d = new double[k];
        for (int a = 0; a < x.length; a++) {
            double[] c = basis.get(a);
            for (int i = 0; i < k; i++) {
                d[i] += x[a] * c[i];
            }
        }
        return d;
    }

    /**
     * The active set for Σ's boundary: a Σ parameter whose own component of the scoring step, cut to 2⁻¹⁰ of it,
     * already leaves the positive definite region sits near its bound (e.g. a variance near zero while V_i stays
     * positive definite through Ω). It leaves the scoring basis and instead moves half way to the bound along its
     * own component ({@code boundaryMove}), so it approaches the bound geometrically while the others are scored.
     * Returns true when a parameter was newly taken out.
     */
    private boolean holdBlockedSigma(double[] theta, double[] d, boolean[] sigmaActive, double[] boundaryMove) {
        CovarianceStructure structure = model.residual();
        int t = model.data().occasions();
        boolean held = false;
        double[] sigmaTheta = deviance.sigmaTheta(theta);
        for (int a = 0; a < nSigma; a++) {
            if (!sigmaActive[a] || d[a] == 0) {
                continue;
            }
            double[] moved = sigmaTheta.clone();
            moved[a] += d[a] / 1024;
            if (!structure.isPositiveDefinite(moved, t)) {
                sigmaActive[a] = false;
                held = true;
                double fraction = 1.0 / 1024;
                for (int h = 0; h < 60; h++) {
                    fraction *= 0.5;
                    moved[a] = sigmaTheta[a] + fraction * d[a];
                    if (structure.isPositiveDefinite(moved, t)) {
                        break;
                    }
                }
                boundaryMove[a] = 0.5 * fraction * d[a];
            }
        }
        return held;
    }

    private static void addTo(double[] d, double[] move) {
        for (int a = 0; a < d.length; a++) {
            d[a] += move[a];
        }
    }

    /** θ with Ω(θ_Ω) replaced by its projection onto the positive semi-definite cone, when required and needed. */
    private double[] projectOmega(double[] theta) {
        if (!constrainPsd || q == 0) {
            return theta;
        }
        CovarianceStructure structure = model.randomEffects();
        double[][] omega = structure.matrix(deviance.omegaTheta(theta), q);
        if (Matrices.isPositiveSemiDefinite(omega, 0)) {
            return theta;
        }
        return deviance.join(deviance.sigmaTheta(theta), structure.parameters(PsdProjection.truncate(omega, 0)));
    }

    /**
     * The boundary test: when Ω is near singular, Ω with its negligible eigenvalues set to zero and Ω = 0;
     * the better of them when it is no worse than θ, else null.
     */
    private double[] boundaryPoint(double[] beta, double[] theta, double f) {
        CovarianceStructure structure = model.randomEffects();
        double[][] omega = structure.matrix(deviance.omegaTheta(theta), q);
        if (PsdProjection.isZero(omega)) {
            return null;
        }
        double[] ev = Matrices.eigenvalues(omega);
        double top = ev[ev.length - 1];
        if (top > 0 && ev[0] > NEAR_SINGULAR * top) {
            return null;
        }
        double[] best = null;
        double bestValue = f;
        double[][][] candidates = {PsdProjection.truncate(omega, NEAR_SINGULAR), new double[q][q]};
        for (double[][] candidate : candidates) {
            double[] trial = deviance.join(deviance.sigmaTheta(theta), structure.parameters(candidate));
            if (!deviance.isAdmissible(trial, true)) {
                continue;
            }
            double value = objective.value(beta, trial);
            if (value <= bestValue) {
                best = trial;
                bestValue = value;
            }
        }
        return best;
    }
}
