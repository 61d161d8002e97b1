package org.lmm4j.em;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.Gradient;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.linalg.Matrices;

/**
 * The polishing step that finishes an EM run which has slowed down: one projected Newton step on the
 * criterion (Δ_p for ML, Δ_R for REML), with the analytic gradient of {@link ProfiledDeviance#gradient} and a
 * Hessian from central differences of that gradient. It is not an EM step, and {@link EmRun} records it as such.
 *
 * <p>Why: EM converges sublinearly when the minimum lies on the boundary of the parameter space (a variance
 * of Ω → 0, or a variance of Σ → 0 while Z_iΩZ_i' keeps V_i positive definite), and linearly with a rate
 * near 1 along flat ridges of the likelihood; Newton's method converges quadratically in both cases.
 *
 * <p>Constraints (Σ positive definite, Ω positive semi-definite) are handled by faces and a fraction-to-the-
 * boundary rule. With the gradient in matrix form, G_Σ = ∂Δ/∂Σ and G_Ω = ∂Δ/∂Ω, a face is the set of
 * (near-)null eigenvectors V₀ of Ω (eigenvalue ≤ 10⁻⁹ of its scale) or of Σ (≤ {@link #SIGMA_FACE} of its
 * largest eigenvalue) at which the Karush–Kuhn–Tucker condition V₀'GV₀ ⪰ 0 holds (the criterion rises as the
 * matrix leaves the boundary). On an active face the step is restricted to v_a'(∂S/∂θ)d v_b = 0, i.e. the
 * Newton system is solved on the null space of these linear constraints. A step that would leave the
 * admissible region is cut where it meets the boundary: exactly there for Ω (whose vanishing eigenvalues are
 * then set to zero), and at 1 − 10⁻⁴ of the way for Σ, which must stay positive definite. The reduced Hessian
 * is made positive definite (eigenvalues replaced by their absolute values, floored), and the step is accepted
 * only when its criterion satisfies the Armijo condition, so it always lowers the criterion.
 */
final class Polish {

    /** A near-null eigenvalue of Σ, relative to its largest, that counts as being on Σ's boundary. */
    static final double SIGMA_FACE = 1e-7;
    /** A null eigenvalue of Ω, relative to its scale. */
    static final double OMEGA_FACE = 1e-9;
    /** Fraction of the distance to Σ's boundary that a cut step keeps in reserve. */
    private static final double SIGMA_RESERVE = 1e-4;
    /**
     * Relative step of the central differences of the gradient (in coordinates scaled by |θ_k|); smaller, down to
     * 10⁻⁴ of it, when Σ's smallest/largest eigenvalue ratio is below 10⁻³.
     */
    private static final double DIFFERENCE = 1e-5;
    /** Armijo constant. */
    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 40;

    private final ProfiledDeviance deviance;
    private final EmMap map;
    private final MixedModel model;
    private final boolean omegaPsd;
    private final double omegaScale0;
    private final int q;
    private final int t;

    Polish(EmMap map, boolean omegaPsd, double omegaScale0) {
        this.map = map;
        this.deviance = map.deviance();
        this.model = deviance.model();
        this.omegaPsd = omegaPsd;
        this.omegaScale0 = omegaScale0;
        this.q = model.data().q();
        this.t = model.data().occasions();
    }

    /**
     * The Newton direction at θ on the active faces.
     *
     * @param step      the step in θ
     * @param decrement the Newton decrement g_r'H_r⁻¹g_r (twice the predicted fall of the criterion)
     * @param slope     the directional derivative g'step (= −decrement)
     * @param faces     the number of active face constraints
     * @param reducedGradient max_j |(N's)_j| over an orthonormal basis N of the free directions: the largest change of
     *                  the criterion for a relative change of the free parameters (s_k = scale of θ_k)
     */
    record Direction(double[] step, double decrement, double slope, int faces, double reducedGradient) {
    }

    /**
     * An accepted polishing step.
     *
     * @param theta     the new θ
     * @param criterion its criterion (below the old one)
     * @param length    the step length λ ∈ (0, 1] along the Newton direction
     * @param gradient  the gradient at the new θ
     */
    record Step(double[] theta, double criterion, double length, Gradient gradient) {
    }

    /** The gradient at θ, counted as an evaluation (null when inadmissible). */
    Gradient gradient(double[] theta) {
        return map.gradient(theta);
    }

    /** The projected Newton direction at θ with gradient g, or null when the Hessian cannot be formed. */
    Direction direction(double[] theta, Gradient g) {
        int k = theta.length;
        double[] s = scales(theta);
        double[] gu = new double[k];
        for (int i = 0; i < k; i++) {
            gu[i] = g.theta()[i] * s[i];
        }
        List<double[]> rows = faceConstraints(theta, g);
        for (double[] row : rows) {
            for (int i = 0; i < k; i++) {
                row[i] *= s[i];
            }
        }
        double[][] basis = nullSpace(rows, k);
        int m = basis.length;
        if (m == 0) {
            return new Direction(new double[k], 0, 0, rows.size(), 0);
        }
        // near a singular Σ the criterion curves on the scale of Σ's smallest eigenvalue: difference on that scale
        Spectral ss = Spectral.of(deviance.covariances(theta).sigma());
        double ratio = ss.smallest() / Math.max(ss.largest(), Double.MIN_NORMAL);
        double h = DIFFERENCE * Math.min(1, Math.max(1e3 * ratio, 1e-4));
        double[][] hr = new double[m][m];
        for (int j = 0; j < m; j++) {
            double[] col = hessianColumn(theta, s, basis[j], gu, h);
            if (col == null) {
                return null;
            }
            for (int i = 0; i < m; i++) {
                hr[i][j] = dot(basis[i], col);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (hr[i][j] + hr[j][i]);
                hr[i][j] = v;
                hr[j][i] = v;
            }
        }
        double[] gr = new double[m];
        for (int i = 0; i < m; i++) {
            gr[i] = dot(basis[i], gu);
        }
        Spectral sp = Spectral.of(hr);
        double top = Math.max(Math.abs(sp.smallest()), Math.abs(sp.largest()));
        if (!(top > 0) || !Double.isFinite(top)) {
            return null;
        }
        double floor = 1e-8 * top;
        double[] dr = new double[m];
        double decrement = 0;
        for (int a = 0; a < m; a++) {
            double lambda = Math.max(Math.abs(sp.values()[a]), floor);
            double c = dot(sp.vectors()[a], gr);
            decrement += c * c / lambda;
            for (int i = 0; i < m; i++) {
                dr[i] -= c / lambda * sp.vectors()[a][i];
            }
        }
        double[] step = new double[k];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < k; i++) {
                step[i] += basis[j][i] * dr[j] * s[i];
            }
        }
        double reduced = 0;
        for (double v : gr) {
            reduced = Math.max(reduced, Math.abs(v));
        }
        return new Direction(step, decrement, dot(step, g.theta()), rows.size(), reduced);
    }

    /**
     * The line search along d from θ (criterion f): the largest λ ≤ 1 that stays admissible (cut at the
     * boundary as described above), halved until the Armijo condition holds. Null when no λ lowers the criterion.
     */
    Step search(double[] theta, double f, Direction d) {
        if (!(d.slope() < 0)) {
            return null;
        }
        double lambda = 1;
        if (!admissible(theta, d.step(), 1)) {
            double lo = 0;
            double hi = 1;
            for (int i = 0; i < 60 && hi - lo > 1e-15 * hi; i++) {
                double mid = 0.5 * (lo + hi);
                if (admissible(theta, d.step(), mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            boolean sigmaBlocks = !model.residual().isPositiveDefinite(
                    deviance.sigmaTheta(along(theta, d.step(), hi)), t);
            lambda = sigmaBlocks ? lo * (1 - SIGMA_RESERVE) : lo;
            if (!(lambda > 0)) {
                return null;
            }
        }
        double slack = 1e-15 * Math.max(1, Math.abs(f));
        for (int h = 0; h < MAX_HALVINGS; h++, lambda /= 2) {
            double[] trial = snapOmega(along(theta, d.step(), lambda));
            if (trial == null || !deviance.isAdmissible(trial, omegaPsd)) {
                continue;
            }
            double c = map.criterion(trial);
            if (Double.isFinite(c) && c <= f + ARMIJO * lambda * d.slope() && c < f - slack) {
                Gradient g = map.gradient(trial);
                if (g != null) {
                    return new Step(trial, g.criterion(), lambda, g);
                }
            }
        }
        return null;
    }

    /** Whether θ + λd, with Ω's vanishing eigenvalues set to zero, is admissible. */
    private boolean admissible(double[] theta, double[] d, double lambda) {
        double[] trial = snapOmega(along(theta, d, lambda));
        return trial != null && deviance.isAdmissible(trial, omegaPsd);
    }

    /** s_k = max(|θ_k|, 10⁻³ max_j |θ_j|): the coordinates the Newton system is solved in are θ_k/s_k. */
    private static double[] scales(double[] theta) {
        double top = 0;
        for (double v : theta) {
            top = Math.max(top, Math.abs(v));
        }
        top = Math.max(top, 1e-300);
        double[] s = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            s[i] = Math.max(Math.abs(theta[i]), 1e-3 * top);
        }
        return s;
    }

    /**
     * H·u (in scaled coordinates) for a unit direction u, by central differences of the analytic gradient;
     * one-sided when one side is inadmissible; null when neither side is, even for a smaller step.
     */
    private double[] hessianColumn(double[] theta, double[] s, double[] u, double[] gu, double step) {
        int k = theta.length;
        double[] dir = new double[k];
        for (int i = 0; i < k; i++) {
            dir[i] = u[i] * s[i];
        }
        for (double h = step; h >= step * 1e-4; h /= 10) {
            Gradient plus = map.gradient(along(theta, dir, h));
            Gradient minus = map.gradient(along(theta, dir, -h));
            double[] out = new double[k];
            if (plus != null && minus != null) {
                for (int i = 0; i < k; i++) {
                    out[i] = (plus.theta()[i] - minus.theta()[i]) * s[i] / (2 * h);
                }
                return out;
            }
            Gradient one = plus != null ? plus : minus;
            if (one != null) {
                double sign = plus != null ? 1 : -1;
                for (int i = 0; i < k; i++) {
                    out[i] = (one.theta()[i] * s[i] - gu[i]) * sign / h;
                }
                return out;
            }
        }
        return null;
    }

    /**
     * The linear constraints of the active faces, one row per pair a ≤ b of null eigenvectors:
     * row_k = v_a'(∂S/∂θ_k)v_b for the θ_k of that matrix, zero elsewhere.
     */
    private List<double[]> faceConstraints(double[] theta, Gradient g) {
        List<double[]> rows = new ArrayList<>();
        int k = theta.length;
        double[] sigmaTheta = deviance.sigmaTheta(theta);
        double[][] sigma = model.residual().matrix(sigmaTheta, t);
        Spectral ss = Spectral.of(sigma);
        addFace(rows, ss, SIGMA_FACE * ss.largest(), g.sigmaGradient(),
                model.residual().derivatives(sigmaTheta, t), 0, k);
        if (q > 0 && omegaPsd) {
            double[] omegaTheta = deviance.omegaTheta(theta);
            Spectral so = Spectral.of(model.randomEffects().matrix(omegaTheta, q));
            addFace(rows, so, OMEGA_FACE * Math.max(so.largest(), omegaScale0), g.omegaGradient(),
                    model.randomEffects().derivatives(omegaTheta, q), sigmaTheta.length, k);
        }
        return rows;
    }

    private static void addFace(List<double[]> rows, Spectral sp, double threshold, double[][] grad,
                                double[][][] derivatives, int offset, int k) {
        int d = sp.values().length;
        int nullDim = 0;
        while (nullDim < d && sp.values()[nullDim] <= threshold) {
            nullDim++;
        }
        if (nullDim == 0) {
            return;
        }
        double[][] w = new double[nullDim][nullDim];
        for (int a = 0; a < nullDim; a++) {
            for (int b = 0; b < nullDim; b++) {
                w[a][b] = quadratic(sp.vectors()[a], grad, sp.vectors()[b]);
            }
        }
        Spectral ws = Spectral.of(w);
        if (ws.smallest() < -1e-9 * Math.max(1, ws.largest())) {
            return; // the criterion falls into the interior: the face is not active
        }
        for (int a = 0; a < nullDim; a++) {
            for (int b = a; b < nullDim; b++) {
                double[] row = new double[k];
                for (int j = 0; j < derivatives.length; j++) {
                    row[offset + j] = quadratic(sp.vectors()[a], derivatives[j], sp.vectors()[b]);
                }
                rows.add(row);
            }
        }
    }

    /** An orthonormal basis (rows) of {u : row·u = 0 for every row}. */
    private static double[][] nullSpace(List<double[]> rows, int k) {
        if (rows.isEmpty()) {
            double[][] id = new double[k][k];
            for (int i = 0; i < k; i++) {
                id[i][i] = 1;
            }
            return id;
        }
        double[][] ctc = new double[k][k];
        for (double[] row : rows) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    ctc[i][j] += row[i] * row[j];
                }
            }
        }
        Spectral sp = Spectral.of(ctc);
        double cut = 1e-10 * Math.max(sp.largest(), Double.MIN_NORMAL);
        List<double[]> basis = new ArrayList<>();
        for (int a = 0; a < k; a++) {
            if (sp.values()[a] <= cut) {
                basis.add(sp.vectors()[a]);
            }
        }
        return basis.toArray(new double[0][]);
    }

    /** θ with Ω's vanishing eigenvalues (below 10⁻⁹ of its scale, or negative) set to zero, when representable. */
    private double[] snapOmega(double[] theta) {
        if (q == 0) {
            return theta;
        }
        double[] omegaTheta = deviance.omegaTheta(theta);
        CovarianceStructure structure = model.randomEffects();
        Spectral sp = Spectral.of(structure.matrix(omegaTheta, q));
        double threshold = OMEGA_FACE * Math.max(sp.largest(), omegaScale0);
        int zero = 0;
        while (zero < q && sp.values()[zero] <= threshold) {
            zero++;
        }
        if (zero == 0) {
            return theta;
        }
        double[][] projected = sp.withoutSmallest(zero);
        double[] snapped = structure.parameters(projected);
        double[][] back = structure.matrix(snapped, q);
        double diff = 0;
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                diff = Math.max(diff, Math.abs(back[i][j] - projected[i][j]));
            }
        }
        if (diff > 1e-9 * Math.max(sp.largest(), omegaScale0)) {
            return omegaPsd && !Matrices.isPositiveSemiDefinite(structure.matrix(omegaTheta, q), 1e-10) ? null : theta;
        }
        return deviance.join(deviance.sigmaTheta(theta), snapped);
    }

    private static double[] along(double[] theta, double[] d, double lambda) {
        double[] out = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            out[i] = theta[i] + lambda * d[i];
        }
        return out;
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

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
