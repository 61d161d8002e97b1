package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.ModelData;

/**
 * The parameters of a model as an analyst reads them, named as lme4's {@code confint(oldNames = FALSE)} names them:
 * the random effects' standard deviations and correlations ({@code sd_(Intercept)|Subject},
 * {@code cor_Days.(Intercept)|Subject}, in the order of the lower triangle by columns), the residual standard
 * deviation ({@code sigma}), then the fixed effects. This natural scale exists for a scalar Σ and a free or
 * diagonal Ω; other structures are listed by their own θ ({@code Sigma:rho}, {@code Omega:...}) and can be
 * bootstrapped but not profiled.
 */
public final class ModelParameters {

    /** What a parameter is. */
    public enum Kind {
        /** A standard deviation or correlation of Ω; index into {@link StandardDeviationScale}'s ψ. */
        OMEGA_NATURAL,
        /** The residual standard deviation of a scalar Σ. */
        SIGMA,
        /** An entry of θ_Σ of another residual structure. */
        SIGMA_THETA,
        /** An entry of θ_Ω of another random-effects structure. */
        OMEGA_THETA,
        /** A fixed effect β_j. */
        FIXED
    }

    /**
     * One parameter.
     *
     * @param name   lme4's name
     * @param kind   what it is
     * @param index  its index within its kind
     */
    public record Parameter(String name, Kind kind, int index) {

        /** True for a standard deviation (bounded below by 0). */
        public boolean isStandardDeviation(int q) {
            return kind == Kind.SIGMA || kind == Kind.OMEGA_NATURAL && index < q;
        }

        /** True for a correlation (in [−1, 1]). */
        public boolean isCorrelation(int q) {
            return kind == Kind.OMEGA_NATURAL && index >= q;
        }

        /** True when the profile likelihood can hold this parameter fixed. */
        public boolean profilable() {
            return kind == Kind.OMEGA_NATURAL || kind == Kind.SIGMA || kind == Kind.FIXED;
        }
    }

    private final MixedModel model;
    private final List<Parameter> parameters;
    private final StandardDeviationScale omegaScale;

    private ModelParameters(MixedModel model, List<Parameter> parameters, StandardDeviationScale omegaScale) {
        this.model = model;
        this.parameters = List.copyOf(parameters);
        this.omegaScale = omegaScale;
    }

    /** The parameters of a model. */
    public static ModelParameters of(MixedModel model) {
        ModelData data = model.data();
        int q = data.q();
        String group = data.grouping() == null ? "" : "|" + data.grouping();
        List<Parameter> out = new ArrayList<>();
        StandardDeviationScale scale = null;
        if (q > 0) {
            String name = model.randomEffects().name();
            if (name.equals("free") || name.equals("diagonal")) {
                boolean correlated = name.equals("free");
                scale = StandardDeviationScale.of(q, correlated);
                List<String> re = data.randomNames();
                for (int b = 0; b < q; b++) {
                    out.add(new Parameter("sd_" + re.get(b) + group, Kind.OMEGA_NATURAL, b));
                    if (correlated) {
                        for (int a = b + 1; a < q; a++) {
                            out.add(new Parameter("cor_" + re.get(a) + "." + re.get(b) + group, Kind.OMEGA_NATURAL,
                                    correlationIndex(q, a, b)));
                        }
                    }
                }
            } else {
                List<String> names = model.randomEffects().parameterNames(q);
                for (int k = 0; k < names.size(); k++) {
                    out.add(new Parameter("Omega:" + names.get(k), Kind.OMEGA_THETA, k));
                }
            }
        }
        if (model.residual().isScalar()) {
            out.add(new Parameter("sigma", Kind.SIGMA, 0));
        } else {
            List<String> names = model.residual().parameterNames(data.occasions());
            for (int k = 0; k < names.size(); k++) {
                out.add(new Parameter("Sigma:" + names.get(k), Kind.SIGMA_THETA, k));
            }
        }
        for (int j = 0; j < data.p(); j++) {
            out.add(new Parameter(data.fixedNames().get(j), Kind.FIXED, j));
        }
        return new ModelParameters(model, out, scale);
    }

    /** Index in ψ of ρ_ab (a &gt; b): after the q standard deviations, row by row. */
    static int correlationIndex(int q, int a, int b) {
        return q + a * (a - 1) / 2 + b;
    }

    /** The parameters, in lme4's order. */
    public List<Parameter> list() {
        return parameters;
    }

    /** Their names. */
    public List<String> names() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** Ω on the standard-deviation scale (null when Ω is neither free nor diagonal, or absent). */
    public StandardDeviationScale omegaScale() {
        return omegaScale;
    }

    /** The model. */
    public MixedModel model() {
        return model;
    }

    /** The values of the parameters at a fit of this model. */
    public double[] values(FitResult fit) {
        double[] out = new double[parameters.size()];
        double[] psi = omegaScale == null || fit.omega() == null ? null : omegaScale.natural(fit.omega());
        int nSigma = model.sigmaParameterCount();
        for (int i = 0; i < out.length; i++) {
            Parameter p = parameters.get(i);
            out[i] = switch (p.kind()) {
                case OMEGA_NATURAL -> psi[p.index()];
                case SIGMA -> Math.sqrt(fit.sigma()[0][0]);
                case SIGMA_THETA -> fit.theta()[p.index()];
                case OMEGA_THETA -> fit.theta()[nSigma + p.index()];
                case FIXED -> fit.fixedEffects()[p.index()];
            };
        }
        return out;
    }
}
