package org.lmm4j.optimise;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.Control;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.ColumnMoments;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.linalg.SymmetricEigen;
import org.lmm4j.linalg.Vectors;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The one owner of boundaries and degeneracy (docs/DESIGN.md, "The optimisation core"), with the tolerances of
 * {@link Control}:
 * <ul>
 *   <li>the projection onto the positive semi-definite cone ({@link #projectPsd}), which makes a boundary fit exact;</li>
 *   <li>the Karush–Kuhn–Tucker check at a face of the cone ({@link #interiorDescent}): a null direction v of a
 *       covariance matrix along which the criterion falls (v'Gv &lt; 0 for its matrix gradient G);</li>
 *   <li>the singular-fit test ({@link #isSingular}, lme4's {@code isSingular});</li>
 *   <li>the unboundedness test and its one-line reason ({@link #unbounded}): how close the covariance matrices are to
 *       singularity (docs/DESIGN.md §1), Σ by the ratio of its smallest to its largest eigenvalue, each V_i by how well one
 *       observation is predicted by the others (see
 *       {@link org.lmm4j.likelihood.CriterionHessian#worstConditioning()}). A degenerate matrix alone is not
 *       unboundedness; the caller also requires the deviance to keep falling ({@link #provesUnbounded}).</li>
 * </ul>
 * Ω of nested terms ({@link TermBlocks}) has a face per term: the KKT check and the release work on each Ω_k
 * ({@link #omegaInteriorDescent}); the PSD projection, the singular-fit test and the clipping are spectral, so they
 * treat every copy of Ω_k alike and their result stays in the family.
 */
public final class Boundary {

    private final Control control;
    private final ProfiledDeviance deviance;
    private final MixedModel model;
    private final List<String> occasionLabels;
    /** NaN until {@link #meanZSquare()} computes it. */
    private double meanZSquare = Double.NaN;

    public Boundary(ProfiledDeviance deviance, Control control) {
        this.control = control;
        this.deviance = deviance;
        this.model = deviance.model();
        this.occasionLabels = model.data().occasionLabels();
    }

    /**
     * The mean of z² over the cells of Z (0 without random effects), computed on first use: Σz² = Σ_a (M₂_a + n m_a²)
     * from the columns' moments ({@link ColumnMoments}), or the groups' sums when they live elsewhere.
     */
    private double meanZSquare() {
        if (Double.isNaN(meanZSquare)) {
            ModelData data = model.data();
            int q = data.q();
            double s = 0;
            long rows;
            if (data.distributed()) {
                for (double z2 : data.summary().zSquares()) {
                    s += z2;
                }
                rows = data.observations();
            } else {
                ColumnMoments z = ColumnMoments.ofRandom(data.groups(), data.observations(), q);
                for (int a = 0; a < q; a++) {
                    s += z.m2()[a] + z.n() * z.mean()[a] * z.mean()[a];
                }
                rows = z.n();
            }
            meanZSquare = q > 0 && rows > 0 ? s / (rows * (double) q) : 0;
        }
        return meanZSquare;
    }

    /**
     * A one-line reason when a covariance matrix has degenerated at θ (or the criterion is absurdly low),
     * else null. With random effects a singular Σ alone is no sign of unboundedness: the deviance depends on θ
     * only through the V_i = Z_iΩZ_i' + Σ_i, and while every V_i stays well conditioned it has a finite limit
     * (a boundary fit); only a V_i becoming singular can drive it to −∞.
     */
    public String unbounded(double[] theta, double worstConditioning, String worstGroup, double criterion) {
        CovarianceMatrices c = deviance.covariances(theta);
        String what = null;
        SymmetricEigen se = SymmetricEigen.of(c.sigma());
        double[] ev = se.values();
        boolean vDegenerate = worstConditioning < control.vConditioning() && worstGroup != null;
        if (ev.length > 0 && (model.data().q() == 0 || vDegenerate)) {
            double top = Math.abs(ev[ev.length - 1]);
            if (top == 0 || ev[0] <= control.sigmaDegenerate() * top) {
                what = sigmaDegeneration(se);
            }
        }
        // with Ω positive semi-definite V_i = Z_iΩZ_i' + Σ_i ≥ Σ_i, so only a degenerating Σ can make V_i singular: a
        // tiny 1 − R² in a long group with a regular Σ is the conditioning of a well-posed V_i, not a degeneration
        if (what == null && vDegenerate && model.data().q() > 0 && SymmetricEigen.of(c.omega()).smallest() < 0) {
            what = "V_i of group " + worstGroup + " becomes singular as Ω turns indefinite (only V_i positive "
                    + "definite is required)";
        }
        if (what == null && absurdlyLow(criterion)) {
            what = "the deviance drops below −" + control.unboundedPerRow() + " per observation";
        }
        return what == null ? null : reason(what);
    }

    /** The one-line reason of an UNBOUNDED fit, naming what degenerates. */
    public static String reason(String what) {
        return "the likelihood is unbounded: " + what + " while the deviance falls without bound";
    }

    /**
     * The decade test, the certificate of unboundedness along a path to a singular limit (an estimator's M-step or
     * closed-form step that lands on a singular Σ): the criterion at distance ε = 10⁻⁹, 10⁻¹⁰, 10⁻¹¹ (relative) from
     * the limit falls by more than {@link Control#decadeFall()} at each decade (a degenerating V_i contributes log ε
     * to its log det: ln 10 per decade), where a boundary minimum with a finite deviance levels off. False when it
     * levels off or a point is not finite.
     */
    public boolean fallsWithoutBound(java.util.function.DoubleUnaryOperator criterionAtDistance) {
        double previous = Double.NaN;
        for (int j = 0; j < 3; j++) {
            double c = criterionAtDistance.applyAsDouble(Math.pow(10, -9 - j));
            if (!Double.isFinite(c)) {
                return false;
            }
            if (j > 0 && !(previous - c > control.decadeFall())) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /**
     * The worst conditioning of the V_i at θ (see {@link org.lmm4j.likelihood.CriterionHessian#worstConditioning()}),
     * for estimators that do not compute the Hessian: min over groups and rows j of 1/((V_i⁻¹)_jj (V_i)_jj), with
     * the group attaining it; conditioning 0 when some V_i is not positive definite. On the sufficient-statistics
     * path it is the Hessian's (O(m_iq²) per group, never an m_i × m_i matrix: one group of all rows for crossed
     * terms), else each V_i's.
     */
    public Conditioning conditioning(double[] theta) {
        if (deviance.hasSufficientStatistics()) {
            org.lmm4j.likelihood.Gradient gradient = deviance.gradient(theta);
            org.lmm4j.likelihood.CriterionHessian h = gradient == null ? null : deviance.hessian(theta, gradient);
            return h == null ? new Conditioning(0, null) : new Conditioning(h.worstConditioning(), h.worstGroup());
        }
        CovarianceMatrices c = deviance.covariances(theta);
        double worst = 1;
        String group = null;
        for (Group g : model.data().groups()) {
            org.lmm4j.likelihood.GroupBlock b = deviance.block(g, c);
            if (!b.isPositiveDefinite()) {
                return new Conditioning(0, g.id());
            }
            int m = b.size();
            double[] inv = b.inverse();
            double[] v = b.v();
            for (int j = 0; j < m; j++) {
                double r = 1 / (inv[j * m + j] * v[j * m + j]);
                if (r < worst) {
                    worst = r;
                    group = g.id();
                }
            }
        }
        return new Conditioning(worst, group);
    }

    /** How close the V_i come to singularity: the worst 1 − R² and its group. */
    public record Conditioning(double worst, String group) {
    }

    /** What degenerated when Σ(θ) is singular to within {@link #control.sigmaDegenerate()}, else null. */
    public String sigmaSingular(double[] theta) {
        SymmetricEigen se = SymmetricEigen.of(deviance.covariances(theta).sigma());
        double[] ev = se.values();
        if (ev.length == 0) {
            return null;
        }
        double top = Math.abs(ev[ev.length - 1]);
        return top == 0 || ev[0] <= control.sigmaDegenerate() * top ? sigmaDegeneration(se) : null;
    }

    /**
     * The diagonal variances of Σ(θ) that are negligible (below {@link #control.sigmaDegenerate()} of the largest), named by
     * occasion ("the variances at occasions 1, 4 are at zero"), or null when there are none.
     */
    public String zeroVariances(double[] theta) {
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
            return sigma[0][0] <= control.sigmaDegenerate() * Math.max(top, Double.MIN_NORMAL) || top == 0
                    ? "the residual variance is at zero" : null;
        }
        List<String> zero = new java.util.ArrayList<>();
        for (int i = 0; i < t; i++) {
            if (sigma[i][i] <= control.sigmaDegenerate() * top) {
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
     * When Σ(θ) is singular to within {@link #control.sigmaDegenerate()}: the gradient of its smallest eigenvalue with respect to
     * θ (∂λ_min/∂θ_k = e'(∂Σ/∂θ_k)e, zero for the Ω part), the normal of the edge of the admissible region; else null.
     */
    public double[] sigmaEdgeNormal(double[] theta) {
        SymmetricEigen se = SymmetricEigen.of(deviance.covariances(theta).sigma());
        double[] ev = se.values();
        if (ev.length == 0) {
            return null;
        }
        double top = Math.abs(ev[ev.length - 1]);
        if (!(top == 0 || ev[0] <= control.sigmaDegenerate() * top)) {
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

    /**
     * When Ω(θ) is singular to within {@link Control#releaseZero()} of its scale: the gradient of its smallest eigenvalue
     * with respect to θ (∂λ_min/∂θ_k = e'(∂Ω/∂θ_k)e for the Ω part, zero for Σ's), the normal of the edge of the
     * positive semi-definite cone; else null.
     */
    public double[] omegaEdgeNormal(double[] theta) {
        int q = model.data().q();
        if (q == 0) {
            return null;
        }
        SymmetricEigen se = SymmetricEigen.of(deviance.covariances(theta).omega());
        double top = Math.max(se.spectralNorm(), Double.MIN_NORMAL);
        if (se.smallest() > control.releaseZero() * top) {
            return null;
        }
        double[] e = se.vector(0);
        double[][][] d = model.randomEffects().derivatives(deviance.omegaTheta(theta), q);
        double[] a = new double[theta.length];
        int nSigma = model.sigmaParameterCount();
        for (int k = 0; k < d.length; k++) {
            a[nSigma + k] = Vectors.quadraticForm(e, d[k]);
        }
        return a;
    }

    private String sigmaDegeneration(SymmetricEigen se) {
        int t = se.values().length;
        if (t == 1 || model.residual().isScalar()) {
            return "Σ degenerates: the residual variance goes to zero";
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
            return "Σ degenerates: its variance at occasion " + label + " goes to zero";
        }
        return "Σ degenerates (its smallest eigenvalue relative to the largest goes to zero)";
    }

    /**
     * A start made admissible: Σ + 10⁻²·λ_max(Σ)·I with Σ's and Ω's negative eigenvalues set to zero, projected onto
     * the structures; null when that is still inadmissible. (Moment estimates can put a variance at zero, e.g. at an
     * occasion seen only once, where the criterion is +∞ and no estimator could start.)
     */
    public double[] ridged(double[] theta) {
        CovarianceMatrices c = deviance.covariances(theta);
        double top = Math.max(SymmetricEigen.of(c.sigma()).largest(), 0);
        if (!(top > 0) || !Double.isFinite(top)) {
            return null;
        }
        double[][] sigma = projectPsd(c.sigma(), 0, 0).matrix();
        for (int i = 0; i < sigma.length; i++) {
            sigma[i][i] += 1e-2 * top;
        }
        double[] omegaTheta = model.data().q() == 0 ? new double[0]
                : model.randomEffects().parameters(projectPsd(c.omega(), 0, 0).matrix());
        double[] out = deviance.join(model.residual().parameters(sigma), omegaTheta);
        return deviance.isAdmissible(out, true) && Double.isFinite(deviance.criterion(out)) ? out : null;
    }

    /** True when the criterion is so low that only an unbounded likelihood explains it. */
    public boolean absurdlyLow(double criterion) {
        return criterion < -control.unboundedPerRow() * Math.max(1, model.data().observations());
    }

    /**
     * The unboundedness verdict of an iteration: a degenerate covariance matrix ({@link #unbounded} not null) seen
     * over {@link Control#fallingStreak()} consecutive iterations in which the criterion fell by more than
     * {@link Control#falling()}, or at an absurdly low criterion.
     */
    public boolean provesUnbounded(String degenerate, int fallingStreak, double criterion) {
        return degenerate != null && (fallingStreak >= control.fallingStreak() || absurdlyLow(criterion));
    }

    /**
     * The verdict where no further step lowers the criterion: a degenerate covariance matrix reached while the
     * criterion was still falling (the last iteration fell by more than {@link Control#falling()}).
     */
    public boolean provesUnboundedAtStall(String degenerate, int fallingStreak) {
        return degenerate != null && fallingStreak > 0;
    }

    /** True when a fall of the criterion over one iteration counts as "still falling". */
    public boolean falling(double fall) {
        return fall > control.falling();
    }

    /** θ with eigenvalues of Ω set to zero, and the eigenvectors e of those eigenvalues. */
    public record Clipped(double[] theta, List<double[]> directions) {
    }

    /** A matrix projected onto the positive semi-definite cone, with the unit directions whose eigenvalue was set to zero. */
    public record Projection(double[][] matrix, List<double[]> directions, boolean changed) {
    }

    /**
     * The projection of a symmetric matrix onto the positive semi-definite cone with a relative floor: eigenvalues
     * at or below {@code relative} × {@code reference} (and every negative one) set to zero. The one PSD projection
     * of the project.
     */
    public static Projection projectPsd(double[][] s, double relative, double reference) {
        SymmetricEigen se = SymmetricEigen.of(s);
        double[] ev = se.values();
        double[] clipped = ev.clone();
        boolean changed = false;
        List<double[]> directions = new ArrayList<>();
        for (int i = 0; i < ev.length; i++) {
            if (ev[i] <= relative * reference || ev[i] < 0) {
                changed |= ev[i] != 0;
                clipped[i] = 0;
                directions.add(se.vector(i));
            }
        }
        return new Projection(changed ? se.compose(clipped) : org.lmm4j.linalg.Matrices.copy(s), directions, changed);
    }

    /**
     * The Karush–Kuhn–Tucker check on a face of the positive semi-definite cone: among the eigen-directions of
     * {@code s} whose eigenvalue is at most {@link Control#releaseZero()} × {@code scale}, the unit direction v of the
     * null space with the most negative v'Gv for the matrix gradient G, when that is below −{@code slack}; null when
     * the face is a constrained stationary point (or s has no null direction).
     */
    public double[] interiorDescent(double[][] s, double[][] g, double scale, double slack) {
        SymmetricEigen sp = SymmetricEigen.of(s);
        int d = s.length;
        int nullDim = 0;
        while (nullDim < d && sp.values()[nullDim] <= control.releaseZero() * scale) {
            nullDim++;
        }
        if (nullDim == 0) {
            return null;
        }
        double[][] h = new double[nullDim][nullDim];
        for (int a = 0; a < nullDim; a++) {
            for (int b = 0; b < nullDim; b++) {
                h[a][b] = bilinear(sp.vector(a), g, sp.vector(b));
            }
        }
        SymmetricEigen hs = SymmetricEigen.of(h);
        if (hs.smallest() >= -slack) {
            return null;
        }
        double[] v = new double[d];
        for (int a = 0; a < nullDim; a++) {
            double w = hs.vectors()[a][0];
            for (int i = 0; i < d; i++) {
                v[i] += w * sp.vectors()[i][a];
            }
        }
        return v;
    }

    /**
     * The Karush–Kuhn–Tucker check on Ω term by term ({@link TermBlocks}; one term for an Ω that is not one): for term
     * k, {@link #interiorDescent} on Ω_k with its matrix gradient G_k = Σ_s (slot s of G_Ω) (∂Ω/∂Ω_k puts Ω_k in every
     * slot, so the criterion's gradient with respect to Ω_k sums the slots). The first term whose face fails gives
     * the direction D = I_{M_k} ⊗ vv' in its block, so that Ω + δD stays in the family; null when every term's face
     * is a constrained stationary point.
     */
    public double[][] omegaInteriorDescent(double[][] omega, double[][] gOmega, double scale, double slack) {
        TermBlocks terms = TermBlocks.of(model.randomEffects(), model.data().q());
        for (int k = 0; k < terms.blocks().size(); k++) {
            double[] v = interiorDescent(terms.termMatrix(omega, k), terms.slotSum(gOmega, k), scale, slack);
            if (v != null) {
                return terms.embed(Vectors.outer(v), k);
            }
        }
        return null;
    }

    /** {@link #releaseAlong(double[], boolean, double[][], double, java.util.function.ToDoubleFunction, double)} along vv'. */
    public double[] releaseAlong(double[] theta, boolean sigma, double[] v, double scale,
                                 java.util.function.ToDoubleFunction<double[]> criterion, double below) {
        return releaseAlong(theta, sigma, Vectors.outer(v), scale, criterion, below);
    }

    /**
     * The release from a face where the KKT sign fails: θ with the covariance matrix S (Σ when {@code sigma}, else Ω)
     * moved back inside along the positive semi-definite direction D (vv' for a null direction v, or
     * {@link #omegaInteriorDescent}'s), S → S + δD, for δ = 10⁻² × scale, 10⁻³ × scale, …, 10⁻¹⁰ × scale, the first
     * (largest) whose criterion is below {@code below}; points the structure cannot represent are skipped. Null when
     * no δ lowers the criterion.
     */
    public double[] releaseAlong(double[] theta, boolean sigma, double[][] direction, double scale,
                                 java.util.function.ToDoubleFunction<double[]> criterion, double below) {
        org.lmm4j.api.CovarianceStructure structure = sigma ? model.residual() : model.randomEffects();
        CovarianceMatrices c = deviance.covariances(theta);
        double[][] s = sigma ? c.sigma() : c.omega();
        int d = s.length;
        int offset = sigma ? 0 : model.sigmaParameterCount();
        for (int k = 2; k <= 10; k++) {
            double delta = scale * Math.pow(10, -k);
            double[][] moved = new double[d][d];
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    moved[a][b] = s[a][b] + delta * direction[a][b];
                }
            }
            double[] part = structure.parameters(moved);
            double[][] back = structure.matrix(part, d);
            double err = 0;
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    err = Math.max(err, Math.abs(back[a][b] - moved[a][b]));
                }
            }
            if (err > 1e-3 * delta) {
                continue;
            }
            double[] out = theta.clone();
            System.arraycopy(part, 0, out, offset, part.length);
            if (criterion.applyAsDouble(out) < below) {
                return out;
            }
        }
        return null;
    }

    private static double bilinear(double[] u, double[][] g, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
                s += u[i] * g[i][j] * v[j];
            }
        }
        return s;
    }

    /**
     * A boundary (singular) fit, in lme4's sense: an eigenvalue of Ω at zero relative to the residual variance
     * (Ω/σ̄² with σ̄² the mean diagonal of Σ, below {@link Control#singularOmega()}), which covers a variance at zero
     * and a correlation at ±1; or Σ itself with an eigenvalue below {@link Control#singularTol()} of its largest.
     */
    public static boolean isSingular(CovarianceMatrices c, boolean hasRandom, Control control) {
        double[] sigmaEv = SymmetricEigen.of(c.sigma()).values();
        if (sigmaEv.length > 0 && sigmaEv[0] <= control.singularTol() * Math.abs(sigmaEv[sigmaEv.length - 1])) {
            return true;
        }
        if (hasRandom && c.omega().length > 0) {
            double residualScale = 0;
            for (int i = 0; i < c.sigma().length; i++) {
                residualScale += c.sigma()[i][i] / c.sigma().length;
            }
            return SymmetricEigen.of(c.omega()).smallest() <= control.singularOmega() * residualScale;
        }
        return false;
    }

    /**
     * θ with the eigenvalues of Ω below {@code relative} × max(largest eigenvalue, residual variance / mean z²)
     * set to zero and Ω re-expressed in its structure; null when nothing would change.
     */
    public Clipped clipOmega(double[] theta, double relative) {
        int q = model.data().q();
        if (q == 0) {
            return null;
        }
        CovarianceMatrices c = deviance.covariances(theta);
        double sigmaScale = 0;
        for (int i = 0; i < c.sigma().length; i++) {
            sigmaScale += c.sigma()[i][i];
        }
        sigmaScale /= Math.max(1, c.sigma().length);
        double zz = meanZSquare();
        double ref = Math.max(Math.abs(SymmetricEigen.of(c.omega()).largest()), zz > 0 ? sigmaScale / zz : 0);
        Projection p = projectPsd(c.omega(), relative, ref);
        if (!p.changed()) {
            return null;
        }
        double[] omegaTheta = model.randomEffects().parameters(p.matrix());
        return new Clipped(deviance.join(deviance.sigmaTheta(theta), omegaTheta), p.directions());
    }
}
