package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The transformations of docs/DESIGN.md §4's invariants, applied to model data: permuting the groups, permuting
 * the rows within each group (y, X, Z rows and occasion indices together), reparametrising X → XA and
 * Z → ZA, shifting y → y + Xδ and scaling y → c·y.
 */
public final class ModelTransforms {

    private ModelTransforms() {
    }

    /** The groups in a random order. */
    public static ModelData permuteGroups(ModelData d, Random r) {
        List<Group> groups = new ArrayList<>(d.groups());
        Collections.shuffle(groups, r);
        return withGroups(d, groups);
    }

    /** Each group's rows in a random order. */
    public static ModelData permuteRowsWithinGroups(ModelData d, Random r) {
        int p = d.p();
        int q = d.q();
        return map(d, g -> {
            int m = g.size();
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                order.add(j);
            }
            Collections.shuffle(order, r);
            double[] y = new double[m];
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] o = new int[m];
            for (int j = 0; j < m; j++) {
                int from = order.get(j);
                y[j] = g.y()[from];
                System.arraycopy(g.x(), from * p, x, j * p, p);
                System.arraycopy(g.z(), from * q, z, j * q, q);
                o[j] = g.occasion()[from];
            }
            return new Group(g.id(), y, x, z, o);
        });
    }

    /** X_i → X_iA for a p×p matrix A. */
    public static ModelData transformFixed(ModelData d, double[][] a) {
        int p = d.p();
        return map(d, g -> new Group(g.id(), g.y(), Dense.flat(Dense.times(Dense.rows(g.x(), g.size(), p), a), p),
                g.z(), g.occasion()));
    }

    /** Z_i → Z_iA for a q×q matrix A. */
    public static ModelData transformRandom(ModelData d, double[][] a) {
        int q = d.q();
        return map(d, g -> new Group(g.id(), g.y(), g.x(), Dense.flat(Dense.times(Dense.rows(g.z(), g.size(), q), a), q),
                g.occasion()));
    }

    /** y_i → y_i + X_iδ. */
    public static ModelData shiftResponse(ModelData d, double[] delta) {
        int p = d.p();
        return map(d, g -> {
            double[] y = g.y().clone();
            for (int j = 0; j < y.length; j++) {
                for (int c = 0; c < p; c++) {
                    y[j] += g.x()[j * p + c] * delta[c];
                }
            }
            return new Group(g.id(), y, g.x(), g.z(), g.occasion());
        });
    }

    /** y → c·y. */
    public static ModelData scaleResponse(ModelData d, double c) {
        return map(d, g -> {
            double[] y = g.y().clone();
            for (int j = 0; j < y.length; j++) {
                y[j] *= c;
            }
            return new Group(g.id(), y, g.x(), g.z(), g.occasion());
        });
    }

    /** The target design (X, Z, occasions) with the responses of the source, group by group. */
    public static ModelData copyResponse(ModelData target, ModelData source) {
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < target.groupCount(); i++) {
            Group g = target.groups().get(i);
            out.add(new Group(g.id(), source.groups().get(i).y().clone(), g.x(), g.z(), g.occasion()));
        }
        return withGroups(target, out);
    }

    /** The data with every group transformed. */
    public static ModelData map(ModelData d, UnaryOperator<Group> f) {
        List<Group> out = new ArrayList<>();
        for (Group g : d.groups()) {
            out.add(f.apply(g));
        }
        return withGroups(d, out);
    }

    /** The data with other groups (same names, occasions and notes). */
    public static ModelData withGroups(ModelData d, List<Group> groups) {
        return new ModelData(groups, d.fixedNames(), d.randomNames(), d.response(), d.grouping(), d.occasionLabels(),
                d.droppedRows(), d.notes());
    }

    /** A random well-conditioned non-singular k×k matrix: I·s + E with s ∈ [1, 2]·sign, |E_ij| ≤ 1/(2k). */
    public static double[][] randomNonSingular(int k, Random r) {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = (r.nextDouble() - 0.5) / k;
            }
            a[i][i] += (1 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
        }
        return a;
    }
}
