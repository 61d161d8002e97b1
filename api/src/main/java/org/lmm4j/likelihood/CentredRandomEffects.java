package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The random-effects design centred for the fit (docs/DESIGN.md §7, issue 15): when Ω's structure admits any change
 * of basis ({@link org.lmm4j.api.CovarianceStructure#admitsChangeOfBasis}, the free structure) and Z has a column of
 * ones, every other column z_k whose mean m_k is more than {@value #RATIO} times its spread is replaced by
 * z_k − m_k·1: Z̃ = ZC with C = I − Σ_k m_k e₀e_k'. The model is the same, ZΩZ' = Z̃Ω̃Z̃' with Ω̃ = C⁻¹ΩC⁻ᵀ, but
 * V_i = Z̃Ω̃Z̃' + Σ no longer cancels digits (with t + 10⁶, ZΩZ' sums terms of 10¹² to get ones). The estimates
 * map back: Ω̂ = CΩ̃̂C', b̂_i = Cb̃̂_i, θ̂_Ω = θ(Ω̂); Δ̂, β̂ and Σ̂ are unchanged. lme4 leaves this to the user.
 *
 * @param intercept  the column of ones of Z
 * @param means      m_k for each column k (0 for the columns left alone and for the intercept)
 */
public record CentredRandomEffects(int intercept, double[] means) implements java.io.Serializable {

    /** A column is centred when |mean| exceeds this many standard deviations. */
    static final double RATIO = 10;

    public CentredRandomEffects {
        means = means.clone();
    }

    /** The centring the model needs, or null when it needs none or its Ω structure does not allow one. */
    public static CentredRandomEffects of(MixedModel model) {
        ModelData d = model.data();
        int q = d.q();
        if (q < 2 || model.crossed() != null || !model.randomEffects().admitsChangeOfBasis()) {
            return null; // crossed terms: the one-group view's Z is not the model's (see CrossedTerms)
        }
        long n;
        double[] mean;
        double[] sd = new double[q];
        boolean[] ones;
        if (d.distributed()) { // Σ(z − z̄)² = Σz² − n z̄² from the groups' sums (only a threshold is decided with it)
            n = d.observations();
            ones = d.summary().zOnes();
            double[] squares = d.summary().zSquares();
            mean = d.summary().zSums().clone();
            for (int a = 0; a < q; a++) {
                mean[a] /= n;
                sd[a] = Math.sqrt(Math.max(0, squares[a] - n * mean[a] * mean[a]) / (n - 1));
            }
        } else {
            ColumnMoments z = ColumnMoments.ofRandom(d.groups(), d.observations(), q);
            n = z.n();
            mean = z.mean();
            ones = z.ones();
            for (int a = 0; a < q; a++) {
                sd[a] = z.sd(a);
            }
        }
        int intercept = -1;
        for (int a = 0; a < q && intercept < 0; a++) {
            intercept = ones[a] ? a : -1;
        }
        if (intercept < 0 || n < 2) {
            return null;
        }
        double[] means = new double[q];
        boolean any = false;
        for (int a = 0; a < q; a++) {
            if (a != intercept && Math.abs(mean[a]) > RATIO * sd[a]) {
                means[a] = mean[a];
                any = true;
            }
        }
        return any ? new CentredRandomEffects(intercept, means) : null;
    }

    /** The same model with Z̃ = ZC. */
    public MixedModel centred(MixedModel model) {
        ModelData d = model.data();
        List<Group> groups = new ArrayList<>(d.groupCount());
        for (Group g : d.groups()) {
            groups.add(centred(g));
        }
        ModelData centred = new ModelData(groups, d.fixedNames(), d.randomNames(), d.response(), d.grouping(),
                d.occasionLabels(), d.droppedRows(), d.notes(), d.summary());
        return new MixedModel(centred, model.residual(), model.randomEffects(), model.method());
    }

    /** A group with Z̃_i = Z_iC: each centred column less its mean times the intercept column. */
    public Group centred(Group g) {
        int q = means.length;
        double[] z = g.z().clone();
        for (int j = 0; j < g.size(); j++) {
            for (int a = 0; a < q; a++) {
                z[j * q + a] -= means[a] * z[j * q + intercept];
            }
        }
        return new Group(g.id(), g.y(), g.x(), z, g.occasion());
    }

    /** Ω = CΩ̃C' (C = I − Σ m_k e₀e_k'): entry (a, b) is Ω̃_ab − m_b Ω̃_a0 − m_a Ω̃_0b + m_a m_b Ω̃_00, for a row/column of the intercept m = 0. */
    double[][] omega(double[][] centred) {
        int q = centred.length;
        double[][] ct = new double[q][q]; // CΩ̃: row 0 gets −Σ_k m_k Ω̃_k·
        for (int a = 0; a < q; a++) {
            ct[a] = centred[a].clone();
        }
        for (int k = 0; k < q; k++) {
            for (int b = 0; b < q; b++) {
                ct[intercept][b] -= means[k] * centred[k][b];
            }
        }
        double[][] out = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                out[a][b] = ct[a][b];
            }
            for (int k = 0; k < q; k++) {
                out[a][intercept] -= ct[a][k] * means[k];
            }
        }
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < a; b++) {
                double v = 0.5 * (out[a][b] + out[b][a]);
                out[a][b] = v;
                out[b][a] = v;
            }
        }
        return out;
    }

    /** b = Cb̃: the intercept's effect is b̃₀ − Σ_k m_k b̃_k. */
    double[] blup(double[] centred) {
        double[] b = centred.clone();
        for (int k = 0; k < b.length; k++) {
            b[intercept] -= means[k] * centred[k];
        }
        return b;
    }

    /** θ with its Ω part mapped back (θ_Σ unchanged). */
    double[] theta(MixedModel model, double[] centred) {
        int ns = model.sigmaParameterCount();
        int q = model.data().q();
        double[] omegaTheta = Arrays.copyOfRange(centred, ns, centred.length);
        double[] mapped = model.randomEffects().parameters(omega(model.randomEffects().matrix(omegaTheta, q)));
        double[] out = centred.clone();
        System.arraycopy(mapped, 0, out, ns, mapped.length);
        return out;
    }

    /** The result of the centred model's fit in terms of the original model (whose data it fingerprints). */
    public FitResult mapBack(FitResult r, MixedModel original) {
        OptimisationSummary s = r.summary();
        OptimisationSummary summary = new OptimisationSummary(s.estimator(), s.status(), s.reason(),
                theta(original, s.thetaStart()), theta(original, s.theta()), s.iterations(), s.finishIterations(),
                s.evaluations(), s.elapsedNanos(), s.trace(), s.warnings(), s.starts(), s.settings());
        double[][] blups = r.randomEffects();
        for (int i = 0; i < blups.length; i++) {
            blups[i] = blup(blups[i]);
        }
        Map<String, String> provenance = new LinkedHashMap<>(r.provenance());
        if (!original.data().distributed()) { // groups elsewhere: the fit's own (order-free) fingerprint stays
            provenance.put("data", FitAssembler.fingerprint(original.data()));
        }
        provenance.put("randomEffectsCentring", describe(original.data().randomNames()));
        return new FitResult(r.status(), r.reason(), r.method(), r.estimator(), r.criterion(), r.minus2LogLik(),
                r.logLik(), r.aic(), r.bic(), r.parameters(), r.observations(), r.groups(), r.fixedNames(),
                r.fixedEffects(), r.standardErrors(), r.covFixedEffects(), r.occasionLabels(), r.sigma(),
                r.randomNames(), r.omega() == null ? null : omega(r.omega()), r.groupIds(), blups,
                theta(original, r.theta()), r.singular(), r.warnings(), summary, provenance);
    }

    /** E.g. {@code t − 1000002}: the columns centred and by how much. */
    String describe(List<String> names) {
        List<String> parts = new ArrayList<>();
        for (int a = 0; a < means.length; a++) {
            if (means[a] != 0) {
                parts.add(names.get(a) + " − " + means[a]);
            }
        }
        return String.join(", ", parts);
    }
}
