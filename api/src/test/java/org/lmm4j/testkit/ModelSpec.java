package org.lmm4j.testkit;

import java.util.List;
import org.lmm4j.api.Method;

/**
 * What {@link ModelGenerators#models(ModelSpec)} may generate: ranges of groups and occasions, the
 * probability that an occasion is missing, random-effects designs (q = 0, 1, 2), Σ and Ω structures by
 * {@link java.util.ServiceLoader} name, mean structures, criteria, and a ridge added to the generating
 * covariance matrices (to keep well-posed models away from the boundary).
 *
 * @param identifiable  restrict Σ × Z to identifiable combinations (no free Σ beside random effects, etc.)
 */
public record ModelSpec(int minGroups, int maxGroups, int minOccasions, int maxOccasions, double missing,
                        List<Integer> randomDesigns, List<String> residuals, List<String> omegas,
                        List<Layout.Mean> means, List<Method> methods, double ridge, boolean identifiable) {

    public ModelSpec {
        randomDesigns = List.copyOf(randomDesigns);
        residuals = List.copyOf(residuals);
        omegas = List.copyOf(omegas);
        means = List.copyOf(means);
        methods = List.copyOf(methods);
    }

    /** Everything: any structure with any design, ML and REML, small sizes (likelihood invariants need no identifiability). */
    public static ModelSpec anyModel() {
        return new ModelSpec(2, 7, 2, 4, 0.3, List.of(0, 1, 2),
                List.of("scalar", "diagonal", "free", "cs", "ar1", "toeplitz"),
                List.of("scalar", "diagonal", "free", "cs"),
                List.of(Layout.Mean.EQUAL, Layout.Mean.GENDER, Layout.Mean.FREE, Layout.Mean.COVARIATES),
                List.of(Method.ML, Method.REML), 0, false);
    }

    /** Identifiable models with enough groups that a fit is well posed (the estimator contract's default). */
    public static ModelSpec wellPosed() {
        return new ModelSpec(12, 24, 3, 4, 0.15, List.of(0, 1, 2),
                List.of("scalar", "diagonal", "free", "cs", "ar1", "toeplitz"),
                List.of("diagonal", "free"),
                List.of(Layout.Mean.EQUAL, Layout.Mean.GENDER, Layout.Mean.COVARIATES),
                List.of(Method.ML, Method.REML), 0.5, true);
    }

    /** The same spec with other random-effects designs. */
    public ModelSpec withRandomDesigns(Integer... q) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, missing, List.of(q), residuals, omegas,
                means, methods, ridge, identifiable);
    }

    /** The same spec with other Σ structures. */
    public ModelSpec withResiduals(String... names) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, missing, randomDesigns, List.of(names),
                omegas, means, methods, ridge, identifiable);
    }

    /** The same spec with other Ω structures. */
    public ModelSpec withOmegas(String... names) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, missing, randomDesigns, residuals,
                List.of(names), means, methods, ridge, identifiable);
    }

    /** The same spec with other mean structures. */
    public ModelSpec withMeans(Layout.Mean... m) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, missing, randomDesigns, residuals, omegas,
                List.of(m), methods, ridge, identifiable);
    }

    /** The same spec with other criteria. */
    public ModelSpec withMethods(Method... m) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, missing, randomDesigns, residuals, omegas,
                means, List.of(m), ridge, identifiable);
    }

    /** The same spec with other numbers of occasions. */
    public ModelSpec withOccasions(int min, int max) {
        return new ModelSpec(minGroups, maxGroups, min, max, missing, randomDesigns, residuals, omegas, means, methods,
                ridge, identifiable);
    }

    /** The same spec with other numbers of groups. */
    public ModelSpec withGroups(int min, int max) {
        return new ModelSpec(min, max, minOccasions, maxOccasions, missing, randomDesigns, residuals, omegas, means,
                methods, ridge, identifiable);
    }

    /** The same spec with another probability of a missing occasion. */
    public ModelSpec withMissing(double probability) {
        return new ModelSpec(minGroups, maxGroups, minOccasions, maxOccasions, probability, randomDesigns, residuals,
                omegas, means, methods, ridge, identifiable);
    }

    /**
     * Whether Σ with q random effects is generated: always for {@link #anyModel()}; for well-posed specs a
     * random intercept goes with scalar, diagonal or AR(1) Σ and an intercept and slope with scalar Σ only,
     * since a free (or compound-symmetric, Toeplitz) Σ beside Z_iΩZ_i' is not identified.
     */
    public boolean admits(String residual, int q, int occasions) {
        if (!identifiable) {
            return true;
        }
        return switch (q) {
            case 0 -> true;
            case 1 -> residual.equals("scalar") || residual.equals("diagonal") && occasions >= 3 || residual.equals("ar1");
            default -> residual.equals("scalar") && occasions >= 3;
        };
    }
}
