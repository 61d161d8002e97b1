package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/**
 * Test fixture: generated frames with two nested random terms (docs/DESIGN.md §4, "several random terms, nested"),
 * unbalanced on purpose (a varying number of inner levels per outer level, so the regrouped design has padded slots),
 * and the frame's likelihood computed the plain N × N way from its terms, independently of the regrouping.
 */
public final class NestedFrames {

    private NestedFrames() {
    }

    /**
     * y = β₀ + β₁x + b_a (intercept, and slope on x when {@code slope}) + b_{a:b} + e with {@code outer} outer levels
     * a, 1..{@code maxInner} inner levels b within each, 2..4 rows per inner level; the outer term's Ω structure
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
            int inner = 1 + rnd.nextInt(maxInner);
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
        return HandFrames.frame(y.stream().mapToDouble(Double::doubleValue).toArray(), List.of("(Intercept)", "x"),
                new double[][] {HandFrames.ones(n), xs}, "y", List.of(outerTerm, innerTerm));
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
