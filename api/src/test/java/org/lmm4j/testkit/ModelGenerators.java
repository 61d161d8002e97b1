package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * jqwik generators of mixed models and their data (docs/DESIGN.md §4): numbers of groups and occasions,
 * unbalanced groups and missing occasions, numeric and factor covariates with X of full column rank,
 * random intercepts and slopes, Σ and Ω structures by name from {@link java.util.ServiceLoader},
 * admissible θ (random positive definite matrices from {@link StructureGenerators}, projected onto the
 * structure), and a response drawn from the model itself: y_i = X_iβ + Z_ib_i + e_i.
 */
public final class ModelGenerators {

    private ModelGenerators() {
    }

    /** The choices made before the parameters are drawn. */
    private record Shape(int groups, int occasions, int q, String residual, String omega, Layout.Mean mean,
                         Method method, long seed) {
    }

    /** Models as the spec allows, each with the θ and β its response was drawn from. */
    public static Arbitrary<GeneratedModel> models(ModelSpec spec) {
        Arbitrary<Shape> shapes = Combinators.combine(
                Arbitraries.integers().between(spec.minGroups(), spec.maxGroups()),
                Arbitraries.integers().between(spec.minOccasions(), spec.maxOccasions()),
                Arbitraries.of(spec.randomDesigns()),
                Arbitraries.of(spec.residuals()),
                Arbitraries.of(spec.omegas()),
                Arbitraries.of(spec.means()),
                Arbitraries.of(spec.methods()),
                Arbitraries.longs())
                .as(Shape::new)
                .filter(s -> spec.admits(s.residual(), s.q(), s.occasions()));
        return shapes.flatMap(s -> Combinators.combine(
                        StructureGenerators.positiveDefinite(s.occasions()),
                        StructureGenerators.positiveDefinite(Math.max(s.q(), 1)))
                .as((sigma, omega) -> build(spec, s, sigma, omega)));
    }

    /**
     * Balanced models in the paper's orthonormal parametrisation: every group seen at the same T
     * occasions, X_i = Z_i = P with P the first k orthonormal polynomials on the times (P'P = I),
     * Σ = σ²I (scalar) and Ω free.
     */
    public static Arbitrary<GeneratedModel> balancedOrthonormal() {
        return Combinators.combine(Arbitraries.integers().between(8, 20), Arbitraries.integers().between(3, 5),
                        Arbitraries.integers().between(1, 3), Arbitraries.of(Method.ML, Method.REML), Arbitraries.longs(),
                        StructureGenerators.variance(), StructureGenerators.positiveDefinite(3))
                .as((n, t, k, method, seed, sigma2, omega) -> {
                    Random r = new Random(seed);
                    double[] times = new double[t];
                    for (int j = 0; j < t; j++) {
                        times[j] = 8 + 2 * j;
                    }
                    double[][] poly = orthonormalPolynomials(times, Math.min(k, t - 1)); // q < T: σ² stays identified
                    int q = poly[0].length;
                    List<String> names = new ArrayList<>();
                    List<String> labels = new ArrayList<>();
                    for (int c = 0; c < q; c++) {
                        names.add("P" + c);
                    }
                    int[] occ = new int[t];
                    for (int j = 0; j < t; j++) {
                        occ[j] = j;
                        labels.add(Double.toString(times[j]));
                    }
                    double[] flat = Dense.flat(poly, q);
                    List<Group> groups = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        groups.add(new Group("s" + (i + 1), new double[t], flat.clone(), flat.clone(), occ.clone()));
                    }
                    ModelData design = new ModelData(groups, names, names, "y", "subject", labels, 0, List.of());
                    CovarianceStructure scalar = Discovered.structure("scalar");
                    CovarianceStructure free = Discovered.structure("free");
                    double[][] om = new double[q][q];
                    for (int a = 0; a < q; a++) {
                        for (int b = 0; b < q; b++) {
                            om[a][b] = omega[a][b] + (a == b ? 0.5 : 0);
                        }
                    }
                    double[] theta = join(new double[] {sigma2}, free.parameters(om));
                    double[] beta = new double[q];
                    for (int c = 0; c < q; c++) {
                        beta[c] = 10 * (2 * r.nextDouble() - 1);
                    }
                    MixedModel skeleton = new MixedModel(design, scalar, free, method);
                    ModelData data = simulate(skeleton, theta, beta, r);
                    return new GeneratedModel(new MixedModel(data, scalar, free, method), theta, beta, null,
                            Layout.Mean.EQUAL, r.nextLong());
                });
    }

    private static GeneratedModel build(ModelSpec spec, Shape s, double[][] sigmaMatrix, double[][] omegaMatrix) {
        Random r = new Random(s.seed());
        int levels = s.mean() == Layout.Mean.COVARIATES ? 2 + r.nextInt(2) : 2;
        int groups = Math.max(s.groups(), 2 * levels);
        // an identifiable marginal model with a structured Σ must stay bounded: enough complete groups
        boolean structuredMarginal = spec.identifiable() && s.q() == 0 && !s.residual().equals("scalar");
        int complete = structuredMarginal ? s.occasions() + 2 * levels + 3 : 2 * levels; // T + p + 1, p ≤ 2·levels + 2
        Layout layout = Layout.random(r, groups, s.occasions(), levels, spec.missing(), complete);
        ModelData design = layout.design(s.mean(), s.q());
        CovarianceStructure residual = Discovered.structure(s.residual());
        CovarianceStructure omega = s.q() == 0 ? null : Discovered.structure(s.omega());
        MixedModel skeleton = new MixedModel(design, residual, omega, s.method());
        double[] thetaSigma = project(residual, ridge(sigmaMatrix, spec.ridge()));
        double[] thetaOmega = s.q() == 0 ? new double[0] : project(omega, ridge(top(omegaMatrix, s.q()), spec.ridge()));
        double[] theta = join(thetaSigma, thetaOmega);
        double[] beta = new double[design.p()];
        for (int c = 0; c < beta.length; c++) {
            beta[c] = 5 * (2 * r.nextDouble() - 1);
        }
        ModelData data = simulate(skeleton, theta, beta, r);
        return new GeneratedModel(new MixedModel(data, residual, omega, s.method()), theta, beta, layout, s.mean(),
                r.nextLong());
    }

    /**
     * θ for a structure from a positive definite matrix: its projection {@code parameters(M)} when that
     * is admissible, else the structure's start values from M.
     */
    public static double[] project(CovarianceStructure structure, double[][] m) {
        int d = m.length;
        double[] theta = structure.parameters(m);
        if (admissible(structure, theta, d)) {
            return theta;
        }
        return structure.start(m);
    }

    /** True when S(θ) is positive definite. */
    public static boolean admissible(CovarianceStructure structure, double[] theta, int d) {
        return structure.isPositiveDefinite(theta, d) && Matrices.isPositiveDefinite(structure.matrix(theta, d));
    }

    /**
     * A random admissible θ for the model (Σ and Ω positive definite): LL' + δI with |L_ij| ≤ 2 and
     * δ ∈ [0.05, 1], scaled by {@code scale} and projected onto each structure.
     */
    public static double[] admissibleTheta(MixedModel model, Random r, double scale) {
        int t = model.data().occasions();
        int q = model.data().q();
        double[] ts = project(model.residual(), Dense.scale(randomPositiveDefinite(t, r), scale));
        double[] to = q == 0 ? new double[0]
                : project(model.randomEffects(), Dense.scale(randomPositiveDefinite(q, r), scale));
        return join(ts, to);
    }

    /** LL' + δI with L lower triangular, |L_ij| ≤ 2 and δ ∈ [0.05, 1] (the law of {@link StructureGenerators#positiveDefinite}). */
    public static double[][] randomPositiveDefinite(int d, Random r) {
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                l[i][j] = 4 * r.nextDouble() - 2;
            }
        }
        double[][] s = Dense.times(l, Dense.transpose(l));
        double delta = 0.05 + 0.95 * r.nextDouble();
        for (int i = 0; i < d; i++) {
            s[i][i] += delta;
        }
        return s;
    }

    /**
     * The data of the model with a response drawn at θ and β: for each group b_i = L_Ωz, e_i =
     * L_{Σ[t_i,t_i]}z' with z, z' standard normal (Σ[t_i,t_i] = σ²I for a scalar Σ, so that the occasions need not be
     * distinct within a group: crossed terms' one group), and y_i = X_iβ + Z_ib_i + e_i.
     */
    public static ModelData simulate(MixedModel model, double[] theta, double[] beta, Random r) {
        ModelData d = model.data();
        int t = d.occasions();
        int q = d.q();
        int p = d.p();
        int ns = model.sigmaParameterCount();
        double[][] sigma = model.residual().matrix(java.util.Arrays.copyOfRange(theta, 0, ns), t);
        double[][] omegaFactor = q == 0 ? new double[0][0]
                : Dense.cholesky(model.randomEffects().matrix(java.util.Arrays.copyOfRange(theta, ns, theta.length), q));
        if (omegaFactor == null) {
            throw new IllegalArgumentException("Ω(θ) is not positive definite");
        }
        List<Group> out = new ArrayList<>();
        for (Group g : d.groups()) {
            int m = g.size();
            int[] o = g.occasion();
            double[][] sub = new double[m][m];
            boolean scalar = model.residual().isScalar(); // σ²I, whatever the occasions (as GroupBlock reads it)
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    sub[j][k] = scalar ? (j == k ? sigma[0][0] : 0) : sigma[o[j]][o[k]];
                }
            }
            double[][] l = Dense.cholesky(sub);
            if (l == null) {
                throw new IllegalArgumentException("Σ(θ) is not positive definite");
            }
            double[] b = Dense.times(omegaFactor, normals(q, r));
            double[] e = Dense.times(l, normals(m, r));
            double[] y = new double[m];
            for (int j = 0; j < m; j++) {
                double s = e[j];
                for (int c = 0; c < p; c++) {
                    s += g.x()[j * p + c] * beta[c];
                }
                for (int a = 0; a < q; a++) {
                    s += g.z()[j * q + a] * b[a];
                }
                y[j] = s;
            }
            out.add(new Group(g.id(), y, g.x(), g.z(), o));
        }
        return new ModelData(out, d.fixedNames(), d.randomNames(), d.response(), d.grouping(), d.occasionLabels(),
                d.droppedRows(), d.notes());
    }

    /**
     * The first k orthonormal polynomials on the points τ_1..τ_T (Gram–Schmidt on 1, τ, τ², …): a T×k
     * matrix P with P'P = I, the paper's parametrisation of the growth curves.
     */
    public static double[][] orthonormalPolynomials(double[] times, int k) {
        int t = times.length;
        double[][] p = new double[t][k];
        for (int c = 0; c < k; c++) {
            double[] v = new double[t];
            for (int j = 0; j < t; j++) {
                v[j] = Math.pow(times[j], c);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int e = 0; e < c; e++) {
                    double dot = 0;
                    for (int j = 0; j < t; j++) {
                        dot += v[j] * p[j][e];
                    }
                    for (int j = 0; j < t; j++) {
                        v[j] -= dot * p[j][e];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < t; j++) {
                p[j][c] = v[j] / norm;
            }
        }
        return p;
    }

    /** θ = (θ_Σ, θ_Ω). */
    public static double[] join(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] normals(int k, Random r) {
        double[] z = new double[k];
        for (int i = 0; i < k; i++) {
            z[i] = r.nextGaussian();
        }
        return z;
    }

    private static double[][] ridge(double[][] m, double ridge) {
        double[][] out = Matrices.copy(m);
        for (int i = 0; i < out.length; i++) {
            out[i][i] += ridge;
        }
        return out;
    }

    private static double[][] top(double[][] m, int q) {
        double[][] out = new double[q][q];
        for (int i = 0; i < q; i++) {
            System.arraycopy(m[i], 0, out[i], 0, q);
        }
        return out;
    }
}
