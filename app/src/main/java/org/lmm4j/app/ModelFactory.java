package org.lmm4j.app;

import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.data.DataTable;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.formula.ModelCompiler;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.model.CrossedTerms;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.model.RandomEffectsTerm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link MixedModel} a command fits: compiles the formula against the table (groups,
 * y_i, X_i, Z_i, occasions t_i), takes Ω's structure from the random term ({@code |}: free,
 * {@code ||}: diagonal) and Σ's structure from {@code --residual} (scalar by default), all looked up
 * by name among the discovered plug-ins.
 */
public final class ModelFactory {

    /** The residual structure used when none is named: Σ = σ²I. */
    public static final String DEFAULT_RESIDUAL = "scalar";

    private static final Logger LOG = LoggerFactory.getLogger(ModelFactory.class);

    private ModelFactory() {
    }

    /**
     * The model of {@code formula} on {@code table}.
     *
     * @param residual     name of Σ's structure; null means {@value #DEFAULT_RESIDUAL}
     * @param timeColumn   column whose distinct values are Σ's occasions; null: positions within the group
     * @param groupColumn  grouping of a marginal model (no random term); null: from the random term
     * @throws InputException for any problem with the input, in one line
     */
    public static MixedModel build(DataTable table, String formula, String residual, String timeColumn,
                                   String groupColumn, Method method, Plugins plugins) {
        if (formula == null || formula.isBlank()) {
            throw new InputException("no formula given (--formula \"y ~ x + (x | g)\")");
        }
        requireColumn(table, timeColumn, "--time");
        requireColumn(table, groupColumn, "--group");
        String residualName = residual == null || residual.isBlank() ? DEFAULT_RESIDUAL : residual.trim();
        CovarianceStructure sigma = plugins.structure(residualName);
        CompiledModel compiled = ModelCompiler.compile(table, formula,
                new CompileOptions(timeColumn, groupColumn, plugins.structures().keySet()));
        if (compiled.multiTerm()) { // several random terms: regrouped by an outer factor, or one group (issue 13)
            MixedModel nested = fromFrame(compiled.frame(), sigma, method, plugins);
            warnWithoutTime(timeColumn, sigma, nested.data());
            return nested;
        }
        ModelData data = compiled.data();
        CovarianceStructure omega = compiled.omegaStructure() == null ? null : plugins.structure(compiled.omegaStructure());
        if (!sigma.isScalar() && data.q() == 0 && data.grouping() == null) {
            throw new InputException("--residual " + sigma.name() + " models the covariance within a group, but the "
                    + "model has no groups: name the grouping column with --group (e.g. --group Subject) or add a "
                    + "random term; without one every row is its own group and Σ's covariances are not identified");
        }
        warnWithoutTime(timeColumn, sigma, data);
        StructuredSigmaBudget.check(data, sigma, Runtime.getRuntime().maxMemory());
        return new MixedModel(data, sigma, omega, method == null ? Method.ML : method);
    }

    private static void warnWithoutTime(String timeColumn, CovarianceStructure sigma, ModelData data) {
        if (timeColumn == null && !sigma.isScalar() && data.occasions() > 1) {
            LOG.warn("Σ is '{}' but no --time column was given: the occasions are the positions of the rows within "
                    + "each group (1..{}), which is right only when every group lists its occasions in the same order "
                    + "without gaps", sigma.name(), data.occasions());
        }
    }

    /**
     * The model of a frame with several random terms (docs/DESIGN.md §1): when they all nest within one outer factor,
     * regrouped by it ({@link NestedTerms}: groups its levels, Z_i one slot per inner level, Ω of the terms'
     * structures as {@link TermBlocks}), so the per-group path fits it with every Σ structure; crossed terms as one
     * group of all rows while they fit it ({@link NestedTerms#fitsOneGroup}), larger ones on the blocked path
     * ({@link CrossedTerms#usesBlockedPath}: Σ = σ²I, Ω = blockdiag(Ω_1, …, Ω_K), Newton only).
     *
     * @throws InputException for a crossed model too large for the one group, a structured Σ beside crossed terms,
     *                        or an unknown structure name
     */
    static MixedModel fromFrame(ModelFrame frame, CovarianceStructure sigma, Method method, Plugins plugins) {
        if (CrossedTerms.usesBlockedPath(frame)) { // crossed and too large for one group
            return blocked(frame, sigma, method, plugins);
        }
        NestedTerms nested = NestedTerms.of(frame);
        nested.requireResidualFits(sigma.name(), sigma.isScalar());
        TermBlocks omega = TermBlocks.of(nested, plugins::structure);
        StructuredSigmaBudget.check(nested.data(), sigma, Runtime.getRuntime().maxMemory());
        return new MixedModel(nested.data(), sigma, omega, method == null ? Method.ML : method);
    }

    /**
     * The model of crossed terms on the blocked penalised least squares path ({@link CrossedTerms}; Σ = σ²I, Ω =
     * blockdiag(Ω_1, …, Ω_K)), whatever their size: what {@link #fromFrame} gives crossed terms too large for one group.
     */
    public static MixedModel blocked(ModelFrame frame, CovarianceStructure sigma, Method method, Plugins plugins) {
        CrossedTerms crossed = CrossedTerms.forFrame(frame);
        java.util.List<TermBlocks.Block> blocks = new java.util.ArrayList<>();
        for (int k = 0; k < frame.terms().size(); k++) {
            RandomEffectsTerm t = frame.terms().get(k);
            blocks.add(new TermBlocks.Block(crossed.labels().get(k), plugins.structure(t.structure()), t.q(), 1));
        }
        LOG.debug("crossed random terms {}: the blocked penalised least squares path", crossed.levelCounts());
        return new MixedModel(crossed.data(), sigma, TermBlocks.of(blocks, crossed), method == null ? Method.ML : method,
                crossed);
    }

    private static void requireColumn(DataTable table, String column, String option) {
        if (column != null && table.indexOf(column) < 0) {
            throw new InputException(option + " names the column '" + column + "', which " + table.source()
                    + " does not have; its columns are: " + String.join(", ", table.names()));
        }
    }
}
