package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.TermBlocks;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.ModelData;
import org.lmm4j.model.NestedTerms;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * Test fixture: generated frames with two nested random terms (docs/DESIGN.md §4, "several random terms, nested"),
 * unbalanced on purpose (a varying number of inner levels per outer level, so the regrouped design has padded slots),
 * frames with crossed terms (and crossed beside nested ones), fitted as one group of all rows, and the frame's
 * likelihood computed the plain N × N way from its terms, independently of the regrouping.
 */
public final class NestedFrames {

    private NestedFrames() {
    }

    /**
     * y = β₀ + β₁x + b_a (intercept, and slope on x when {@code slope}) + b_{a:b} + e with {@code outer} outer levels
     * a, 1..{@code maxInner} inner levels b within each ({@code maxInner} in the first), 2..4 rows per inner level; the outer term's Ω structure
     * {@code outerStructure}, the inner term's {@code innerStructure}.
     */
    public static ModelFrame generate(SplittableRandom rnd, int outer, int maxInner, boolean slope,
                                      String outerStructure, String innerStructure) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int g = 0; g < outer; g++) {
            double u0 = 1.5 * rnd.nextGaussian();
            double u1 = slope ? 0.7 * rnd.nextGaussian() : 0;
            int inner = g == 0 ? maxInner : 1 + rnd.nextInt(maxInner); // the first has them all: identified
            for (int l = 0; l < inner; l++) {
                double v = 0.8 * rnd.nextGaussian();
                int rows = 2 + rnd.nextInt(3);
                for (int r = 0; r < rows; r++) {
                    double xi = rnd.nextGaussian();
                    a.add("a" + g);
                    b.add("b" + l);
                    x.add(xi);
                    y.add(3 + 0.5 * xi + u0 + u1 * xi + v + 0.6 * rnd.nextGaussian());
                }
            }
        }
        int n = y.size();
        double[] xs = x.stream().mapToDouble(Double::doubleValue).toArray();
        String[] as = a.toArray(new String[0]);
        String[] bs = b.toArray(new String[0]);
        RandomEffectsTerm outerTerm = slope
                ? HandFrames.term("a", List.of("a"), as, List.of("(Intercept)", "x"),
                        new double[][] {HandFrames.ones(n), xs}, outerStructure)
                : HandFrames.term("a", List.of("a"), as, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                        outerStructure);
        RandomEffectsTerm innerTerm = HandFrames.term("b:a", List.of("a", "b"), HandFrames.interaction(bs, as),
                List.of("(Intercept)"), new double[][] {HandFrames.ones(n)}, innerStructure);
        // the occasions: the positions of the rows within their outer level (as without a time column)
        int[] occasion = new int[n];
        int longest = 0;
        for (int j = 0; j < n; j++) {
            occasion[j] = j > 0 && as[j].equals(as[j - 1]) ? occasion[j - 1] + 1 : 0;
            longest = Math.max(longest, occasion[j] + 1);
        }
        List<String> labels = new ArrayList<>();
        for (int t = 1; t <= longest; t++) {
            labels.add(String.valueOf(t));
        }
        return HandFrames.frame(y.stream().mapToDouble(Double::doubleValue).toArray(), List.of("(Intercept)", "x"),
                new double[][] {HandFrames.ones(n), xs}, "y", List.of(outerTerm, innerTerm), occasion, labels);
    }

    /**
     * Crossed terms (docs/DESIGN.md §4, "several random terms, crossed"): y = β₀ + β₁x + b_a (intercept, and slope on
     * x when {@code slope}) + b_c + e with {@code rowLevels} levels a and {@code columnLevels} levels c (at least 2
     * each), every (a, c) cell seen 0–2 times (each a and each c at least twice, a0 and a1 with c0 and c1: a and c
     * cross), rows in a random order; with {@code nested} a third
     * term b:a, two levels b within each a, crossed with c: {@code (1|a/b) + (1|c)}. The structures of a and c are
     * {@code rowStructure} and free. The occasions are the positions of the rows within a (as the compiler counts
     * them for crossed terms: within the first term's levels).
     */
    public static ModelFrame generateCrossed(SplittableRandom rnd, int rowLevels, int columnLevels, boolean slope,
                                             boolean nested, String rowStructure) {
        double[] u0 = new double[rowLevels];
        double[] u1 = new double[rowLevels];
        double[][] ub = new double[rowLevels][2];
        double[] w = new double[columnLevels];
        for (int g = 0; g < rowLevels; g++) {
            u0[g] = 1.2 * rnd.nextGaussian();
            u1[g] = slope ? 0.6 * rnd.nextGaussian() : 0;
            ub[g][0] = nested ? 0.7 * rnd.nextGaussian() : 0;
            ub[g][1] = nested ? 0.7 * rnd.nextGaussian() : 0;
        }
        for (int c = 0; c < columnLevels; c++) {
            w[c] = 0.9 * rnd.nextGaussian();
        }
        List<int[]> cells = new ArrayList<>();
        for (int g = 0; g < rowLevels; g++) {
            for (int c = 0; c < columnLevels; c++) {
                // the diagonal cells twice (every level seen twice), and (a0, c1), (a1, c0), so that a and c cross;
                // the others 0–2 times
                boolean always = g % columnLevels == c || c % rowLevels == g || g + c == 1;
                int times = always ? 2 : rnd.nextInt(3);
                for (int t = 0; t < times; t++) {
                    cells.add(new int[] {g, c, (t + g + c) % 2});
                }
            }
        }
        for (int i = cells.size() - 1; i > 0; i--) { // rows in a random order: no factor is sorted
            int j = rnd.nextInt(i + 1);
            int[] tmp = cells.get(i);
            cells.set(i, cells.get(j));
            cells.set(j, tmp);
        }
        int n = cells.size();
        String[] as = new String[n];
        String[] bs = new String[n];
        String[] cs = new String[n];
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int j = 0; j < n; j++) {
            int[] cell = cells.get(j);
            as[j] = "a" + cell[0];
            bs[j] = "b" + cell[2];
            cs[j] = "c" + cell[1];
            xs[j] = rnd.nextGaussian();
            ys[j] = 3 + 0.5 * xs[j] + u0[cell[0]] + u1[cell[0]] * xs[j] + ub[cell[0]][cell[2]] + w[cell[1]]
                    + 0.6 * rnd.nextGaussian();
        }
        List<RandomEffectsTerm> terms = new ArrayList<>();
        terms.add(slope
                ? HandFrames.term("a", List.of("a"), as, List.of("(Intercept)", "x"),
                        new double[][] {HandFrames.ones(n), xs}, rowStructure)
                : HandFrames.term("a", List.of("a"), as, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                        rowStructure));
        if (nested) {
            terms.add(HandFrames.term("b:a", List.of("a", "b"), HandFrames.interaction(bs, as), List.of("(Intercept)"),
                    new double[][] {HandFrames.ones(n)}, "free"));
        }
        terms.add(HandFrames.term("c", List.of("c"), cs, List.of("(Intercept)"), new double[][] {HandFrames.ones(n)},
                "free"));
        int[] occasion = new int[n];
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        int longest = 0;
        for (int j = 0; j < n; j++) {
            occasion[j] = seen.merge(as[j], 1, Integer::sum) - 1;
            longest = Math.max(longest, occasion[j] + 1);
        }
        List<String> labels = new ArrayList<>();
        for (int t = 1; t <= longest; t++) {
            labels.add(String.valueOf(t));
        }
        return HandFrames.frame(ys, List.of("(Intercept)", "x"), new double[][] {HandFrames.ones(n), xs}, "y", terms,
                occasion, labels);
    }

    /** Generated crossed models ({@link #crossedModel(long)}) for the invariant suite, by seed. */
    public static Arbitrary<GeneratedModel> crossedModels() {
        return Arbitraries.longs().map(NestedFrames::crossedModel);
    }

    /**
     * A crossed model drawn from its own θ: {@link #generateCrossed} with 4–7 levels a crossed with 3–5 levels c
     * (one group of all rows, {@link NestedTerms#oneGroup}), a third of the seeds with b nested in a
     * ({@code (1|a/b) + (1|c)}), a third with a random slope on x in a (Ω_a free or diagonal), the rest random
     * intercepts; Σ = σ²I, ML for even seeds and REML for odd ones, y drawn at a random admissible θ and
     * β = (3, 0.5).
     */
    public static GeneratedModel crossedModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int kind = rnd.nextInt(3);
        boolean slope = kind == 1;
        String structure = slope && rnd.nextBoolean() ? "diagonal" : "free";
        ModelFrame frame = generateCrossed(rnd, 4 + rnd.nextInt(4), 3 + rnd.nextInt(3), slope, kind == 2, structure);
        return drawn(frame, seed);
    }

    /** The regrouped frame, with y drawn at a random admissible θ and β = (3, 0.5) from the seed. */
    private static GeneratedModel drawn(ModelFrame frame, long seed) {
        NestedTerms nt = NestedTerms.of(frame);
        MixedModel model = new MixedModel(nt.data(), Discovered.structure("scalar"),
                TermBlocks.of(nt, Discovered::structure), (seed & 1) == 0 ? Method.ML : Method.REML);
        Random r = new Random(seed);
        double[] theta = ModelGenerators.admissibleTheta(model, r, 1);
        double[] beta = {3, 0.5};
        ModelData data = ModelGenerators.simulate(model, theta, beta, r);
        return new GeneratedModel(new MixedModel(data, model.residual(), model.randomEffects(), model.method()),
                theta, beta, null, Layout.Mean.EQUAL, seed);
    }

    /** Generated nested models ({@link #model(long)}) for the invariant suite, by seed. */
    public static Arbitrary<GeneratedModel> models() {
        return Arbitraries.longs().map(NestedFrames::model);
    }

    /**
     * A nested two-term model drawn from its own θ (docs/DESIGN.md §4): the regrouping of {@link #generate} (5–10
     * outer levels, up to 2–4 inner levels each, the outer term a random intercept with Ω_a free, or intercept and
     * slope with Ω_a free, diagonal or compound symmetric; the inner term an intercept), Σ = σ²I, ML for even seeds
     * and REML for odd ones, and y drawn at a random admissible θ and β = (3, 0.5). The structures come from the
     * class path.
     */
    public static GeneratedModel model(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean slope = rnd.nextBoolean();
        String outer = slope ? List.of("free", "diagonal", "cs").get(rnd.nextInt(3)) : "free";
        ModelFrame frame = generate(rnd, 5 + rnd.nextInt(6), 2 + rnd.nextInt(3), slope, outer, "free");
        return drawn(frame, seed);
    }

    /**
     * The profiled criterion of the frame (ML Δ_p, or REML Δ_R) at Ω_k = {@code omegas.get(k)} and Σ = σ²I, from
     * V = Σ_k Z_k(I ⊗ Ω_k)Z_k' + σ²I built N × N from the terms' level codes and design rows.
     */
    public static double criterion(ModelFrame frame, List<double[][]> omegas, double sigma2, boolean reml) {
        int n = frame.observations();
        int p = frame.p();
        double[][] v = new double[n][n];
        for (int k = 0; k < frame.terms().size(); k++) {
            RandomEffectsTerm t = frame.terms().get(k);
            double[][] om = omegas.get(k);
            int q = t.q();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (t.levelOfRow()[i] != t.levelOfRow()[j]) {
                        continue;
                    }
                    double s = 0;
                    for (int c = 0; c < q; c++) {
                        for (int d = 0; d < q; d++) {
                            s += t.z()[i * q + c] * om[c][d] * t.z()[j * q + d];
                        }
                    }
                    v[i][j] += s;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            v[i][i] += sigma2;
        }
        double[][] vi = Dense.inverse(v);
        double[][] x = Dense.rows(frame.x(), n, p);
        double[][] vx = Dense.times(vi, x);
        double[][] a = Dense.times(Dense.transpose(x), vx);
        double[] xty = Dense.times(Dense.transpose(vx), frame.y());
        double[] beta = Dense.times(Dense.inverse(a), xty);
        double[] r = frame.y().clone();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < p; c++) {
                r[i] -= x[i][c] * beta[c];
            }
        }
        double[] vr = Dense.times(vi, r);
        double rss = 0;
        for (int i = 0; i < n; i++) {
            rss += r[i] * vr[i];
        }
        double ml = Matrices.logDetSpd(v) + rss;
        return reml ? ml + Matrices.logDetSpd(a) : ml;
    }
}
