package org.lmm4j.testkit;

import java.util.Arrays;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.ModelData;

/**
 * A generated mixed model with the parameters its response was drawn from: y_i = X_iβ + Z_ib_i + e_i,
 * b_i ~ N(0, Ω(θ_Ω)), e_i ~ N(0, Σ(θ_Σ)[t_i,t_i]) (docs/DESIGN.md §1), so a fit of it is well posed. The seed
 * drives every further random choice a property makes (rival θ, matrices A, constants c), which makes
 * a failing case reproducible from its printout.
 *
 * @param model  the data, Σ and Ω structures and criterion
 * @param theta  the θ = (θ_Σ, θ_Ω) the response was drawn from (admissible)
 * @param beta   the β the response was drawn from
 * @param layout the groups, occasions and covariates X and Z were built from (null for hand-built designs)
 * @param mean   which mean structure X encodes ({@link Layout.Mean})
 * @param seed   seed for the property's own random choices
 */
public record GeneratedModel(MixedModel model, double[] theta, double[] beta, Layout layout, Layout.Mean mean, long seed) {

    /** The same model on other data (same structures and criterion). */
    public MixedModel with(ModelData data) {
        return new MixedModel(data, model.residual(), model.randomEffects(), model.method());
    }

    /** The data. */
    public ModelData data() {
        return model.data();
    }

    @Override
    public String toString() {
        ModelData d = model.data();
        StringBuilder s = new StringBuilder();
        s.append("n=").append(d.groupCount()).append(" N=").append(d.observations()).append(" T=")
                .append(d.occasions()).append(" p=").append(d.p()).append(" q=").append(d.q())
                .append(" mean=").append(mean).append(" Σ=").append(model.residual().name())
                .append(" Ω=").append(model.randomEffects() == null ? "-" : model.randomEffects().name())
                .append(' ').append(model.method()).append(" θ=").append(Arrays.toString(theta))
                .append(" β=").append(Arrays.toString(beta)).append(" seed=").append(seed);
        return s.toString();
    }
}
