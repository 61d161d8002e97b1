package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profile-likelihood confidence intervals, as lme4's {@code confint(m, method = "profile")}: for a parameter ψ_j
 * the deviance Δ(v) is minimised over all other parameters with ψ_j held at v, by the chosen estimator on a
 * model that holds it — a fixed effect β_j as an offset (y − x_j v, column j removed), a standard deviation or
 * correlation of Ω through {@link StandardDeviationScale}, σ through {@link FixedResidualScale} — and the ends
 * of the interval are the roots of ζ(v) = sign(v − v̂)√(Δ(v) − Δ̂) = ±z_{(1+level)/2}, found by Brent's method
 * (Commons Math) after bracketing. Profiles use the ML deviance: a REML fit is refitted by ML first (as lme4's
 * {@code profile} of the fixed effects needs).
 */
public final class ProfileLikelihood {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileLikelihood.class);

    /** Fractions of the way to a bound tried when bracketing a bounded parameter. */
    private static final double[] TOWARDS_BOUND = {0.25, 0.5, 0.75, 0.9, 0.97, 0.99, 0.999};
    private static final int MAX_DOUBLINGS = 12;
    /** Relative distance from a bound (sd 0, correlation ±1) within which an estimate is on it. */
    private static final double BOUNDARY = 1e-8;

    private final MixedModel model;
    private final Estimator estimator;
    private final FitOptions options;
    private final FitResult fit;
    private final ModelParameters parameters;
    private final double[] estimates;

    /**
     * @param model      the model (its method is replaced by ML)
     * @param estimator  the estimator every refit uses
     * @param options    its options
     * @param mlFit      the ML fit of the model (null: fitted here)
     */
    public ProfileLikelihood(MixedModel model, Estimator estimator, FitOptions options, FitResult mlFit) {
        if (model.crossed() != null) {
            throw new InputException("profile intervals are not available yet for crossed random terms (the refits "
                    + "hold a parameter fixed through the per-group model, which crossed terms do not have)");
        }
        this.model = model.withMethod(Method.ML);
        this.estimator = estimator;
        this.options = options;
        this.fit = mlFit != null && mlFit.method() == Method.ML ? mlFit : estimator.fit(this.model, options);
        if (fit.status() != FitStatus.CONVERGED && fit.status() != FitStatus.NOT_CONVERGED) {
            throw new InputException("profile intervals need a fit: the ML fit ended " + fit.status()
                    + (fit.reason().isEmpty() ? "" : " (" + fit.reason() + ")"));
        }
        this.parameters = ModelParameters.of(this.model);
        this.estimates = parameters.values(fit);
    }

    /** The ML fit the profiles start from. */
    public FitResult fit() {
        return fit;
    }

    /** The parameters, in lme4's order. */
    public ModelParameters parameters() {
        return parameters;
    }

    /** The profile interval of every parameter at the given level (e.g. 0.95). */
    public List<Interval> intervals(double level) {
        List<Interval> out = new ArrayList<>();
        for (int i = 0; i < parameters.list().size(); i++) {
            out.add(interval(i, level));
        }
        return out;
    }

    /** The profile interval of parameter i (in {@link ModelParameters#list()} order). */
    public Interval interval(int i, double level) {
        ModelParameters.Parameter par = parameters.list().get(i);
        if (!par.profilable()) {
            throw new InputException("the profile likelihood of " + par.name() + " needs a scalar Σ and a free or "
                    + "diagonal Ω; use Wald or bootstrap intervals for this model");
        }
        double z = WaldIntervals.z(level);
        Map<Double, Double> trace = new TreeMap<>();
        trace.put(estimates[i], 0.0);
        double lower = end(i, par, -1, z, trace);
        double upper = end(i, par, +1, z, trace);
        List<ProfilePoint> points = new ArrayList<>();
        trace.forEach((v, zeta) -> points.add(new ProfilePoint(v, zeta)));
        points.sort(Comparator.comparingDouble(ProfilePoint::value));
        return new Interval(par.name(), estimates[i], lower, upper, points);
    }

    /** The end of the interval on one side: ζ(v) = side·z. */
    private double end(int i, ModelParameters.Parameter par, int side, double z, Map<Double, Double> trace) {
        int q = model.data().q();
        double vHat = estimates[i];
        double target = side * z;
        boolean bounded = side < 0 && par.isStandardDeviation(q) || par.isCorrelation(q);
        double bound = !bounded ? side * Double.POSITIVE_INFINITY : par.isCorrelation(q) ? side : 0;
        if (bounded && Math.abs(bound - vHat) <= BOUNDARY * Math.max(1, Math.abs(vHat))) {
            return bound;   // a boundary estimate (singular fit): the interval ends at the bound
        }
        double step = par.kind() == ModelParameters.Kind.FIXED ? fit.standardErrors()[par.index()] : 0.25 * Math.abs(vHat);
        int tries = bounded ? TOWARDS_BOUND.length : MAX_DOUBLINGS;
        double inside = vHat;
        for (int k = 0; k < tries; k++) {
            double v = bounded ? vHat + TOWARDS_BOUND[k] * (bound - vHat) : vHat + side * step * (1 << k);
            if (side * (zeta(i, par, v, trace) - target) >= 0) {
                double accuracy = 1e-9 * Math.max(Math.abs(vHat), Math.abs(v - inside));
                return new BrentSolver(1e-12, accuracy, 1e-14).solve(200, u -> zeta(i, par, u, trace) - target,
                        Math.min(inside, v), Math.max(inside, v));
            }
            inside = v;
        }
        return bound;   // ζ never reaches ±z: the interval runs to the bound (or is unbounded)
    }

    /** ζ(v) for parameter i held at v (memoised in {@code trace}). */
    private double zeta(int i, ModelParameters.Parameter par, double v, Map<Double, Double> trace) {
        Double known = trace.get(v);
        if (known != null) {
            return known;
        }
        FitResult r = estimator.fit(held(par, v), options);
        if (r.status() == FitStatus.FAILED || r.status() == FitStatus.UNBOUNDED) {
            throw new IllegalStateException("the profile refit of " + par.name() + " at " + v + " ended " + r.status()
                    + ": " + r.reason());
        }
        double rise = r.criterion() - fit.criterion();
        if (rise < -1e-6 * Math.max(1, Math.abs(fit.criterion()))) {
            LOG.warn("profile of {} at {} found a deviance {} below the fit's {}: the fit was not at the minimum",
                    par.name(), v, r.criterion(), fit.criterion());
        }
        double zeta = Math.signum(v - estimates[i]) * Math.sqrt(Math.max(rise, 0));
        trace.put(v, zeta);
        return zeta;
    }

    /** The model with parameter {@code par} held at v. */
    MixedModel held(ModelParameters.Parameter par, double v) {
        return switch (par.kind()) {
            case FIXED -> new MixedModel(offset(model.data(), par.index(), v), model.residual(), model.randomEffects(),
                    Method.ML);
            case SIGMA -> new MixedModel(model.data(), new FixedResidualScale(v), model.randomEffects(), Method.ML);
            case OMEGA_NATURAL -> new MixedModel(model.data(), model.residual(),
                    (CovarianceStructure) parameters.omegaScale().holding(par.index(), v), Method.ML);
            default -> throw new IllegalArgumentException(par.name() + " cannot be held fixed");
        };
    }

    /** The data with β_j held at v: response y − x_j v, column j of X removed. */
    static ModelData offset(ModelData data, int j, double v) {
        int p = data.p();
        List<Group> groups = new ArrayList<>(data.groupCount());
        for (Group g : data.groups()) {
            int m = g.size();
            double[] y = new double[m];
            double[] x = new double[m * (p - 1)];
            for (int r = 0; r < m; r++) {
                y[r] = g.y()[r] - g.x()[r * p + j] * v;
                for (int c = 0, d = 0; c < p; c++) {
                    if (c != j) {
                        x[r * (p - 1) + d++] = g.x()[r * p + c];
                    }
                }
            }
            groups.add(new Group(g.id(), y, x, g.z(), g.occasion()));
        }
        List<String> names = new ArrayList<>(data.fixedNames());
        names.remove(j);
        return new ModelData(groups, names, data.randomNames(), data.response(), data.grouping(),
                data.occasionLabels(), data.droppedRows(), data.notes());
    }
}
