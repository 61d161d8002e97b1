package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The shape of a generated longitudinal data set before any response is drawn: n groups seen at
 * subsets of T occasions with times τ_1 < … < τ_T, a group-level factor (like the paper's gender) and a
 * numeric row-level covariate. From it, {@link #design} builds X for a {@link Mean} structure and Z for
 * a random-effects design, always of full column rank: the first two groups of every factor level see
 * every occasion.
 *
 * @param times      τ_k, the time value of occasion k
 * @param occasions  the occasions each group was seen at (ascending, never empty)
 * @param level      the factor level of each group (0..levels−1)
 * @param levels     number of factor levels
 * @param covariate  a numeric covariate per group and row
 */
public record Layout(double[] times, int[][] occasions, int[] level, int levels, double[][] covariate) {

    /** Mean structures; equal ⊂ gender ⊂ free have nested column spaces (Table 1's rows). */
    public enum Mean {
        /** One line for everybody: 1, time. */
        EQUAL,
        /** A line per factor level: 1, level, time, level·time (two levels). */
        GENDER,
        /** A free mean per level and occasion (cell means). */
        FREE,
        /** 1, time, a numeric covariate and the factor's treatment contrasts. */
        COVARIATES
    }

    /** A random layout: n groups, T occasions, each non-guaranteed cell missing with probability {@code missing}. */
    public static Layout random(Random r, int n, int t, int levels, double missing) {
        return random(r, n, t, levels, missing, 2 * levels);
    }

    /**
     * The same with the first {@code complete} groups seeing every occasion. A marginal model with a
     * structured Σ needs every set S of occasions seen together by more than |S| + p groups, or its
     * likelihood is unbounded; T + p + 1 complete groups guarantee it.
     */
    public static Layout random(Random r, int n, int t, int levels, double missing, int complete) {
        double[] times = new double[t];
        times[0] = -1 + 2 * r.nextDouble();
        for (int k = 1; k < t; k++) {
            times[k] = times[k - 1] + 0.5 + 1.5 * r.nextDouble();
        }
        int[][] occ = new int[n][];
        int[] level = new int[n];
        double[][] cov = new double[n][];
        for (int i = 0; i < n; i++) {
            level[i] = i % levels;
            List<Integer> seen = new ArrayList<>();
            for (int k = 0; k < t; k++) {
                if (i < complete || r.nextDouble() >= missing) {
                    seen.add(k);
                }
            }
            if (seen.isEmpty()) {
                seen.add(r.nextInt(t));
            }
            occ[i] = seen.stream().mapToInt(Integer::intValue).toArray();
            cov[i] = new double[occ[i].length];
            for (int j = 0; j < cov[i].length; j++) {
                cov[i][j] = r.nextGaussian();
            }
        }
        return new Layout(times, occ, level, levels, cov);
    }

    /** Number of groups. */
    public int groups() {
        return occasions.length;
    }

    /** Names of the columns of X for a mean structure. */
    public List<String> fixedNames(Mean mean) {
        List<String> names = new ArrayList<>();
        switch (mean) {
            case EQUAL -> names.addAll(List.of("(Intercept)", "time"));
            case GENDER -> names.addAll(List.of("(Intercept)", "level1", "time", "level1:time"));
            case FREE -> {
                for (int l = 0; l < levels; l++) {
                    for (int k = 0; k < times.length; k++) {
                        names.add("level" + l + ":occasion" + k);
                    }
                }
            }
            case COVARIATES -> {
                names.addAll(List.of("(Intercept)", "time", "x"));
                for (int l = 1; l < levels; l++) {
                    names.add("level" + l);
                }
            }
        }
        return names;
    }

    /** Row j of X_i for a mean structure. */
    double[] fixedRow(Mean mean, int i, int j) {
        int k = occasions[i][j];
        double time = times[k];
        int l = level[i];
        return switch (mean) {
            case EQUAL -> new double[] {1, time};
            case GENDER -> new double[] {1, l == 1 ? 1 : 0, time, l == 1 ? time : 0};
            case FREE -> {
                double[] row = new double[levels * times.length];
                row[l * times.length + k] = 1;
                yield row;
            }
            case COVARIATES -> {
                double[] row = new double[2 + levels];
                row[0] = 1;
                row[1] = time;
                row[2] = covariate[i][j];
                if (l > 0) {
                    row[2 + l] = 1;
                }
                yield row;
            }
        };
    }

    /**
     * The model frame with y = 0: X from the mean structure, Z = [1] (q = 1), [1, time] (q = 2) or none
     * (q = 0), occasion indices into the T occasions.
     */
    public ModelData design(Mean mean, int q) {
        if (mean == Mean.GENDER && levels != 2) {
            throw new IllegalArgumentException("the gender mean needs two levels");
        }
        List<String> fixed = fixedNames(mean);
        int p = fixed.size();
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < groups(); i++) {
            int m = occasions[i].length;
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            for (int j = 0; j < m; j++) {
                System.arraycopy(fixedRow(mean, i, j), 0, x, j * p, p);
                if (q >= 1) {
                    z[j * q] = 1;
                }
                if (q >= 2) {
                    z[j * q + 1] = times[occasions[i][j]];
                }
            }
            groups.add(new Group("g" + (i + 1), new double[m], x, z, occasions[i].clone()));
        }
        List<String> random = q == 0 ? List.of() : q == 1 ? List.of("(Intercept)") : List.of("(Intercept)", "time");
        if (q > 2) {
            throw new IllegalArgumentException("random designs have q ≤ 2");
        }
        List<String> labels = new ArrayList<>();
        for (double t : times) {
            labels.add(Double.toString(t));
        }
        return new ModelData(groups, fixed, random, "y", "group", labels, 0, List.of());
    }
}
