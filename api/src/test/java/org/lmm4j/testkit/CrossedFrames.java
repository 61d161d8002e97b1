package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lmm4j.model.ModelFrame;
import org.lmm4j.model.RandomEffectsTerm;

/** Generated frames with crossed random terms, for the blocked penalised least squares path. */
public final class CrossedFrames {

    private CrossedFrames() {
    }

    /**
     * Two or three factors drawn independently (so crossed), 2–30 levels each, an intercept on each and on one term
     * (by chance) a slope as well.
     */
    public static ModelFrame generate(SplittableRandom rnd) {
        int k = 2 + rnd.nextInt(2);
        int n = 40 + rnd.nextInt(80);
        int slope = rnd.nextInt(k + 1) - 1;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = rnd.nextGaussian();
            y[j] = 2 + 0.5 * x[j] + rnd.nextGaussian();
        }
        List<RandomEffectsTerm> terms = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            int levels = 2 + rnd.nextInt(29);
            String[] codes = new String[n];
            for (int j = 0; j < n; j++) {
                codes[j] = "f" + t + "_" + (j < levels ? j : rnd.nextInt(levels));
                y[j] += 0.7 * (codes[j].hashCode() % 7) / 7.0;
            }
            String name = "f" + t;
            if (t == slope) {
                terms.add(HandFrames.term(name, List.of(name), codes, List.of("(Intercept)", "x"),
                        new double[][] {HandFrames.ones(n), x}, "free"));
            } else {
                terms.add(HandFrames.term(name, List.of(name), codes, List.of("(Intercept)"),
                        new double[][] {HandFrames.ones(n)}, "free"));
            }
        }
        return HandFrames.frame(y, List.of("(Intercept)", "x"), new double[][] {HandFrames.ones(n), x}, "y", terms);
    }
}
