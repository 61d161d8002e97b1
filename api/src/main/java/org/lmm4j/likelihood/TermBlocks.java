package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.CovarianceStructure;

/**
 * The covariance Ω of a group's random effects when the random terms nest within one outer factor, or are crossed and
 * make one group of all rows (docs/DESIGN.md §1, §7 and §8, issue 13): Ω = blockdiag(I_{M_1} ⊗ Ω_1, I_{M_2} ⊗ Ω_2, …),
 * term k's q_k × q_k matrix Ω_k from its own structure, repeated once per slot of the term (M_k slots: one for a term
 * of the outer factor, one per inner level, padded to the largest number of inner levels in a group; M_k = L_k in the
 * one group of crossed terms; see {@link org.lmm4j.model.NestedTerms}). θ_Ω = (θ_1, θ_2,
 * …). Derivatives, second derivatives, start values, the projection {@link #parameters} and EM's maximiser
 * {@link #maximise} all work term by term:
 * <ul>
 *   <li>∂Ω/∂θ_kj = I_{M_k} ⊗ ∂Ω_k/∂θ_kj in term k's block, zero elsewhere; likewise ∂² within a term (zero across);</li>
 *   <li>the maximiser of −n log det Ω − tr(Ω⁻¹C) over the family splits by blocks: log det Ω = Σ_k M_k log det Ω_k and
 *       tr(Ω⁻¹C) = Σ_k tr(Ω_k⁻¹ Σ_s C_kss), so term k maximises −nM_k log det Ω_k − tr(Ω_k⁻¹ C_k) with C_k = Σ_s C_kss,
 *       the sum of its slots' diagonal blocks: its own structure's M-step for the scatter C_k over nM_k vectors;</li>
 *   <li>the projection of a matrix onto the family: each term from the mean of its slots' diagonal blocks (the
 *       Frobenius-nearest I_M ⊗ S).</li>
 * </ul>
 * A structure that is not a TermBlocks is seen by the core as one term of one slot ({@link #of(CovarianceStructure, int)}),
 * so the coordinates and boundaries of the optimisation core ({@link org.lmm4j.optimise.Coordinates},
 * {@link org.lmm4j.optimise.Boundary}) work block by block for every model.
 */
public final class TermBlocks implements CovarianceStructure {

    /**
     * One term of Ω.
     *
     * @param label      the term as lme4 labels it ({@code Subject}, {@code Subject.1}, {@code cask:batch})
     * @param structure  Ω_k's structure
     * @param dimension  q_k
     * @param copies     M_k, the number of slots (copies of Ω_k on the diagonal)
     */
    public record Block(String label, CovarianceStructure structure, int dimension, int copies) {

        public Block {
            if (dimension < 1 || copies < 1) {
                throw new IllegalArgumentException("term " + label + ": dimension " + dimension + ", copies " + copies);
            }
        }

        /** The number of θ parameters of this term. */
        public int parameterCount() {
            return structure.parameterCount(dimension);
        }

        /** The columns of Ω this term occupies: M_k q_k. */
        public int width() {
            return dimension * copies;
        }
    }

    private final List<Block> blocks;
    /** The regrouped frame these blocks belong to, for reports by term (null when built from blocks alone). */
    private final org.lmm4j.model.NestedTerms layout;
    /** The crossed terms these blocks belong to, for reports by term (null unless built for them). */
    private final org.lmm4j.model.CrossedTerms crossed;
    private final int[] columnOffset;
    private final int[] thetaOffset;
    private final int dimension;
    private final int parameters;

    private TermBlocks(List<Block> blocks, org.lmm4j.model.NestedTerms layout) {
        this(blocks, layout, null);
    }

    private TermBlocks(List<Block> blocks, org.lmm4j.model.NestedTerms layout, org.lmm4j.model.CrossedTerms crossed) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no terms");
        }
        this.blocks = List.copyOf(blocks);
        this.layout = layout;
        this.crossed = crossed;
        this.columnOffset = new int[blocks.size()];
        this.thetaOffset = new int[blocks.size()];
        int col = 0;
        int th = 0;
        for (int k = 0; k < blocks.size(); k++) {
            columnOffset[k] = col;
            thetaOffset[k] = th;
            col += blocks.get(k).width();
            th += blocks.get(k).parameterCount();
        }
        this.dimension = col;
        this.parameters = th;
    }

    /** The composite of the terms, in order. */
    public static TermBlocks of(List<Block> blocks) {
        return new TermBlocks(blocks, null);
    }

    /**
     * Ω of a regrouped frame: one block per term, with the structure its name resolves to ({@code structures}: the
     * discovered plug-ins by name) and the term's slots.
     */
    public static TermBlocks of(org.lmm4j.model.NestedTerms nested,
                                java.util.function.Function<String, CovarianceStructure> structures) {
        List<Block> blocks = new ArrayList<>();
        for (org.lmm4j.model.NestedTerms.Term t : nested.terms()) {
            blocks.add(new Block(t.label(), structures.apply(t.term().structure()), t.q(), t.copies()));
        }
        return new TermBlocks(blocks, nested);
    }

    /** {@code s} itself when it is a TermBlocks, else the view of s as one term of dimension d and one slot. */
    public static TermBlocks of(CovarianceStructure s, int d) {
        return s instanceof TermBlocks tb ? tb : new TermBlocks(List.of(new Block("", s, d, 1)), null);
    }

    /** Ω of crossed terms (one copy of each Ω_k), with the terms for reports by term. */
    public static TermBlocks of(List<Block> blocks, org.lmm4j.model.CrossedTerms crossed) {
        return new TermBlocks(blocks, null, crossed);
    }

    /** The crossed terms these blocks were built for, or null. */
    public org.lmm4j.model.CrossedTerms crossed() {
        return crossed;
    }

    /** The regrouped frame these blocks were built for (its levels and slots, for reports by term), or null. */
    public org.lmm4j.model.NestedTerms layout() {
        return layout;
    }

    /** The terms, in order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** The first column of Ω (and of Z_i) of term k. */
    public int columnOffset(int k) {
        return columnOffset[k];
    }

    /** The first index within θ_Ω of term k's parameters. */
    public int thetaOffset(int k) {
        return thetaOffset[k];
    }

    /** q = Σ_k M_k q_k. */
    public int dimension() {
        return dimension;
    }

    /** θ_k, term k's part of θ_Ω. */
    public double[] termTheta(double[] theta, int k) {
        return java.util.Arrays.copyOfRange(theta, thetaOffset[k], thetaOffset[k] + blocks.get(k).parameterCount());
    }

    /** Ω_k, term k's q_k × q_k matrix as it stands in the first of its slots of the q × q matrix {@code omega}. */
    public double[][] termMatrix(double[][] omega, int k) {
        return slot(omega, k, 0);
    }

    /** Σ_s (block s of term k in {@code m}): the term's part of a q × q matrix gradient or scatter, summed over slots. */
    public double[][] slotSum(double[][] m, int k) {
        int d = blocks.get(k).dimension();
        double[][] out = new double[d][d];
        for (int s = 0; s < blocks.get(k).copies(); s++) {
            double[][] b = slot(m, k, s);
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    out[a][c] += b[a][c];
                }
            }
        }
        return out;
    }

    /** The q × q matrix with I_{M_k} ⊗ {@code termMatrix} in term k's block and zeros elsewhere. */
    public double[][] embed(double[][] termMatrix, int k) {
        double[][] out = new double[dimension][dimension];
        place(out, termMatrix, k);
        return out;
    }

    private void place(double[][] out, double[][] termMatrix, int k) {
        Block b = blocks.get(k);
        int d = b.dimension();
        for (int s = 0; s < b.copies(); s++) {
            int o = columnOffset[k] + s * d;
            for (int a = 0; a < d; a++) {
                System.arraycopy(termMatrix[a], 0, out[o + a], o, d);
            }
        }
    }

    private double[][] slot(double[][] m, int k, int s) {
        int d = blocks.get(k).dimension();
        int o = columnOffset[k] + s * d;
        double[][] out = new double[d][d];
        for (int a = 0; a < d; a++) {
            System.arraycopy(m[o + a], o, out[a], 0, d);
        }
        return out;
    }

    @Override
    public String name() {
        List<String> parts = new ArrayList<>();
        for (Block b : blocks) {
            parts.add(b.label().isEmpty() ? b.structure().name() : b.label() + ": " + b.structure().name());
        }
        return blocks.size() == 1 && blocks.get(0).label().isEmpty() ? blocks.get(0).structure().name()
                : "terms(" + String.join(", ", parts) + ")";
    }

    @Override
    public String description() {
        return "block-diagonal Ω of several random terms (nested, or crossed in one group), each with its own structure";
    }

    @Override
    public int parameterCount(int d) {
        checkDimension(d);
        return parameters;
    }

    @Override
    public List<String> parameterNames(int d) {
        checkDimension(d);
        List<String> out = new ArrayList<>();
        for (Block b : blocks) {
            for (String n : b.structure().parameterNames(b.dimension())) {
                out.add(b.label().isEmpty() ? n : b.label() + ":" + n);
            }
        }
        return out;
    }

    @Override
    public double[][] matrix(double[] theta, int d) {
        checkDimension(d);
        checkTheta(theta);
        double[][] out = new double[dimension][dimension];
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            place(out, b.structure().matrix(termTheta(theta, k), b.dimension()), k);
        }
        return out;
    }

    @Override
    public double[][][] derivatives(double[] theta, int d) {
        checkDimension(d);
        checkTheta(theta);
        double[][][] out = new double[parameters][][];
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            double[][][] dk = b.structure().derivatives(termTheta(theta, k), b.dimension());
            for (int j = 0; j < dk.length; j++) {
                out[thetaOffset[k] + j] = embed(dk[j], k);
            }
        }
        return out;
    }

    @Override
    public double[][] secondDerivative(double[] theta, int d, int k, int l) {
        int tk = termOf(k);
        if (tk != termOf(l)) {
            return null;
        }
        Block b = blocks.get(tk);
        double[][] d2 = b.structure().secondDerivative(termTheta(theta, tk), b.dimension(), k - thetaOffset[tk],
                l - thetaOffset[tk]);
        return d2 == null ? null : embed(d2, tk);
    }

    @Override
    public boolean isLinear() {
        for (Block b : blocks) {
            if (!b.structure().isLinear()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isPositiveDefinite(double[] theta, int d) {
        checkDimension(d);
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            if (!b.structure().isPositiveDefinite(termTheta(theta, k), b.dimension())) {
                return false;
            }
        }
        return true;
    }

    /** Each term from the mean of its slots' diagonal blocks. */
    @Override
    public double[] parameters(double[][] matrix) {
        return termByTerm(matrix, (b, sum) -> b.structure().parameters(mean(sum, b.copies())));
    }

    /** Each term's start from the mean of its slots' diagonal blocks of the sample covariance. */
    @Override
    public double[] start(double[][] sampleCovariance) {
        return termByTerm(sampleCovariance, (b, sum) -> b.structure().start(mean(sum, b.copies())));
    }

    /** Term k: its structure's maximiser for the scatter Σ_s C_kss over n M_k vectors (see the class comment). */
    @Override
    public double[] maximise(double[][] scatter, double n) {
        return termByTerm(scatter, (b, sum) -> b.structure().maximise(sum, n * b.copies()));
    }

    /**
     * θ_Ω = (θ_1, θ_2, …) with θ_k = {@code f}(term k, Σ_s of its slots' diagonal blocks of {@code m}); null when some
     * θ_k is null or of the wrong length (a plug-in's M-step that returns nonsense).
     */
    private double[] termByTerm(double[][] m, java.util.function.BiFunction<Block, double[][], double[]> f) {
        checkDimension(m.length);
        double[] out = new double[parameters];
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            double[] t = f.apply(b, slotSum(m, k));
            if (t == null || t.length != b.parameterCount()) {
                return null;
            }
            System.arraycopy(t, 0, out, thetaOffset[k], t.length);
        }
        return out;
    }

    @Override
    public Map<String, Double> naturalParameters(double[] theta, int d) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            String prefix = b.label().isEmpty() ? "" : b.label() + ":";
            b.structure().naturalParameters(termTheta(theta, k), b.dimension())
                    .forEach((name, v) -> out.put(prefix + name, v));
        }
        return out;
    }

    /** The term whose parameters include θ_Ω index j. */
    public int termOf(int j) {
        for (int k = blocks.size() - 1; k >= 0; k--) {
            if (j >= thetaOffset[k]) {
                return k;
            }
        }
        throw new IllegalArgumentException("θ index " + j);
    }

    private static double[][] mean(double[][] sum, int copies) {
        double[][] out = new double[sum.length][sum.length];
        for (int a = 0; a < sum.length; a++) {
            for (int c = 0; c < sum.length; c++) {
                out[a][c] = sum[a][c] / copies;
            }
        }
        return out;
    }

    private void checkDimension(int d) {
        if (d != dimension) {
            throw new IllegalArgumentException("the terms' Ω is " + dimension + " × " + dimension + ", not " + d);
        }
    }

    private void checkTheta(double[] theta) {
        if (theta.length != parameters) {
            throw new IllegalArgumentException("the terms' Ω has " + parameters + " parameters, not " + theta.length);
        }
    }
}
