package org.lmm4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.lmm4j.likelihood.CovarianceMatrices;
import org.lmm4j.likelihood.CriterionPath;
import org.lmm4j.likelihood.MatrixGradient;
import org.lmm4j.likelihood.NormalEquations;
import org.lmm4j.likelihood.SecondOrderSums;

/**
 * The criterion's group sums over a cached data set of {@link Part}s: every quantity is one {@code treeAggregate} of
 * the partitions' own sums, each computed by the in-process kernel of {@link CriterionPath} over the partition's
 * groups, merged by the sums' own {@code merge}; the second-order step stays on the driver. The sums over
 * partitions are added in an order Spark chooses, so a fit agrees with the in-process one to rounding, not bit for bit.
 */
final class DistributedPath implements CriterionPath {

    private final JavaRDD<Part> parts;
    private final int groups;
    private final int depth;
    private final PartitionProbe probe;
    private final EvaluationCounter counter;

    DistributedPath(JavaRDD<Part> parts, int groups, int depth, PartitionProbe probe, EvaluationCounter counter) {
        this.parts = parts;
        this.groups = groups;
        this.depth = depth;
        this.probe = probe;
        this.counter = counter;
    }

    /** A partial sum: null until the first partition's sums arrive (a zero would need the sums' dimensions). */
    static final class Sum<T> implements Serializable {
        private static final long serialVersionUID = 1L;
        T value;
    }

    /** One treeAggregate of {@code f} over the parts, merged by {@code merge}. */
    private <T> T aggregate(PartFunction<T> f, Function2<T, T, T> merge) {
        counter.add();
        PartitionProbe pr = probe;
        Function2<Sum<T>, Part, Sum<T>> seq = (acc, part) -> {
            pr.evaluating(part.index());
            T v = f.apply(part);
            acc.value = acc.value == null ? v : merge.call(acc.value, v);
            return acc;
        };
        Function2<Sum<T>, Sum<T>, Sum<T>> comb = (a, b) -> {
            if (a.value == null) {
                return b;
            }
            if (b.value != null) {
                a.value = merge.call(a.value, b.value);
            }
            return a;
        };
        return parts.treeAggregate(new Sum<T>(), seq, comb, depth).value;
    }

    /** A quantity of one partition. */
    interface PartFunction<T> extends Serializable {
        T apply(Part part) throws Exception;
    }

    @Override
    public NormalEquations normal(CovarianceMatrices c) {
        return aggregate(part -> part.path().normal(c), NormalEquations::merge);
    }

    @Override
    public double deviance(CovarianceMatrices c, double[] beta) {
        return aggregate(part -> part.path().deviance(c, beta), Double::sum);
    }

    @Override
    public MatrixGradient gradient(CovarianceMatrices c, double[] beta, double[][] covBetaForReml) {
        return aggregate(part -> part.path().gradient(c, beta, covBetaForReml), MatrixGradient::merge);
    }

    @Override
    public SecondOrderSums secondOrder(Point point) {
        return aggregate(part -> part.path().secondOrder(point).numberedFrom(part.first()), SecondOrderSums::merge);
    }

    @Override
    public double[][] blups(CovarianceMatrices c, double[] beta) {
        List<double[][]> byPart = parts.map(part -> part.path().blups(c, beta)).collect();
        List<double[]> out = new ArrayList<>(groups);
        for (double[][] b : byPart) {
            out.addAll(List.of(b));
        }
        return out.toArray(new double[0][]);
    }

    @Override
    public int groupCount() {
        return groups;
    }

    @Override
    public String groupId(int index) {
        return groupIds().get(index);
    }

    @Override
    public List<String> groupIds() {
        List<List<String>> byPart = parts.map(part -> part.path().groupIds()).collect();
        List<String> out = new ArrayList<>(groups);
        byPart.forEach(out::addAll);
        return out;
    }
}
