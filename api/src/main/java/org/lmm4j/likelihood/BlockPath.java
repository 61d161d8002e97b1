package org.lmm4j.likelihood;

import java.util.List;
import org.lmm4j.model.Group;

/**
 * The reference {@link CriterionPath}: every quantity summed group by group through the factored
 * V_i = Z_iΩZ_i' + Σ[t_i,t_i] of {@link GroupBlock}, for any Σ; no N×N matrix is formed. Its per-group steps
 * are also what {@link SufficientStatistics} uses for the groups it hands over.
 */
final class BlockPath implements CriterionPath {

    private final List<Group> groups;
    private final int observations;
    private final int p;
    private final int q;

    /** @param groups the groups in working coordinates */
    BlockPath(List<Group> groups, int p, int q) {
        this.groups = groups;
        this.p = p;
        this.q = q;
        int n = 0;
        for (Group g : groups) {
            n += g.size();
        }
        this.observations = n;
    }

    @Override
    public int groupCount() {
        return groups.size();
    }

    @Override
    public String groupId(int index) {
        return groups.get(index).id();
    }

    @Override
    public NormalEquations normal(CovarianceMatrices c) {
        return GroupReduce.reduce(groups, observations, () -> new NormalEquations(p),
                (a, g) -> a.add(GroupBlock.of(g, c.sigma(), c.omega())), NormalEquations::merge);
    }

    @Override
    public double deviance(CovarianceMatrices c, double[] beta) {
        double[] sum = GroupReduce.reduce(groups, observations, () -> new double[1],
                (a, g) -> a[0] += groupDeviance(GroupBlock.of(g, c.sigma(), c.omega()), beta),
                (x, y) -> new double[] {x[0] + y[0]});
        return sum[0];
    }

    @Override
    public MatrixGradient gradient(CovarianceMatrices c, double[] beta, double[][] covBetaForReml) {
        int t = c.sigma().length;
        return GroupReduce.reduce(groups, observations, () -> new MatrixGradient(t, q),
                (a, g) -> a.add(GroupBlock.of(g, c.sigma(), c.omega()), beta, covBetaForReml),
                MatrixGradient::merge);
    }

    @Override
    public SecondOrderSums secondOrder(Point pt) {
        return GroupReduce.reduce(groups.size(), observations, () -> new SecondOrderSums(pt),
                () -> new BlockSecondOrder(pt.dSigma().length),
                (sums, scratch, i) -> scratch.add(sums, GroupBlock.of(groups.get(i), pt.c().sigma(), pt.c().omega()),
                        i, pt),
                SecondOrderSums::merge);
    }

    @Override
    public double[][] blups(CovarianceMatrices c, double[] beta) {
        double[][] out = new double[groups.size()][];
        for (int i = 0; i < groups.size(); i++) {
            out[i] = blup(GroupBlock.of(groups.get(i), c.sigma(), c.omega()), c.omega(), beta);
        }
        return out;
    }

    /** One group's term log det V_i + r_i'V_i⁻¹r_i of Δ(β, θ); +∞ when V_i is not positive definite. */
    static double groupDeviance(GroupBlock b, double[] beta) {
        if (!b.isPositiveDefinite()) {
            return Double.POSITIVE_INFINITY;
        }
        double[] r = b.residual(beta);
        b.whiten(r, 1);
        double s = b.logDet();
        for (double w : r) {
            s += w * w;
        }
        return s;
    }

    /** One group's b̂_i = ΩZ_i'V_i⁻¹r_i; NaN when V_i is not positive definite. */
    static double[] blup(GroupBlock b, double[][] omega, double[] beta) {
        int q = omega.length;
        double[] bi = new double[q];
        if (!b.isPositiveDefinite()) {
            java.util.Arrays.fill(bi, Double.NaN);
            return bi;
        }
        Group g = b.group();
        double[] u = b.residual(beta);
        b.solve(u, 1);
        double[] ztu = new double[q];
        double[] z = g.z();
        for (int j = 0; j < g.size(); j++) {
            for (int a = 0; a < q; a++) {
                ztu[a] += z[j * q + a] * u[j];
            }
        }
        for (int a = 0; a < q; a++) {
            for (int k = 0; k < q; k++) {
                bi[a] += omega[a][k] * ztu[k];
            }
        }
        return bi;
    }
}
