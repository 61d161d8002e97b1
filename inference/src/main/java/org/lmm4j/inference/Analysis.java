package org.lmm4j.inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.formula.ModelCompiler;

/**
 * The entry point of the Java API: an estimator and the covariance structures it may use, which fits formulas to
 * tables and returns {@link FittedModel}s.
 * <pre>{@code
 * Analysis lmm = new Analysis(new NewtonEstimator(), List.of(new ScalarStructure(), new FreeStructure()));
 * FittedModel m1 = lmm.fit(table, "Reaction ~ Days + (Days | Subject)", Method.ML);
 * List<Interval> ci = m1.confint();
 * }</pre>
 *
 * @param estimator   the estimator of every fit
 * @param structures  the structures a formula or a residual name may ask for, found by {@link CovarianceStructure#name()}
 * @param options     the estimator's options
 */
public record Analysis(Estimator estimator, List<CovarianceStructure> structures, FitOptions options) {

    public Analysis {
        structures = List.copyOf(structures);
    }

    /** With the default fit options. */
    public Analysis(Estimator estimator, List<CovarianceStructure> structures) {
        this(estimator, structures, FitOptions.defaults());
    }

    /** Fits {@code formula} to {@code table} with Σ = σ²I. */
    public FittedModel fit(DataTable table, String formula, Method method) {
        return fit(table, formula, method, "scalar", null);
    }

    /**
     * Fits {@code formula} to {@code table} with the named residual structure over the occasions of {@code time}
     * (null: positions within the group).
     */
    public FittedModel fit(DataTable table, String formula, Method method, String residual, String time) {
        CompiledModel compiled = ModelCompiler.compile(table, formula, new CompileOptions(time, null));
        if (compiled.multiTerm()) {
            throw new InputException("the formula has several random terms; this build fits models with one");
        }
        MixedModel model = new MixedModel(compiled.data(), structure(residual),
                compiled.omegaStructure() == null ? null : structure(compiled.omegaStructure()), method);
        return new FittedModel(model, estimator.fit(model, options), estimator, options, formula, table);
    }

    private CovarianceStructure structure(String name) {
        Map<String, CovarianceStructure> byName = new LinkedHashMap<>();
        structures.forEach(s -> byName.putIfAbsent(s.name(), s));
        CovarianceStructure s = byName.get(name);
        if (s == null) {
            throw new InputException("no covariance structure '" + name + "' among " + String.join(", ", byName.keySet()));
        }
        return s;
    }
}
