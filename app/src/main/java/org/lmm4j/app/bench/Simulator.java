package org.lmm4j.app.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Draws data from the random intercept and slope model of a {@link SimulationSpec}:
 * y_ij = β0 + β1 t_j + b0_i + b1_i t_j + e_ij, b_i = L u_i with Ω = LL' and u_i, e_ij standard
 * normal (e_ij scaled by σ), t_j = 0..M−1. Pure and seeded: the same spec always gives the same
 * rows, whether they are turned into a {@link ModelData} (for timing fits without any parsing) or
 * streamed to CSV (columns {@code subj, t, y}, what {@code lmm4j fit} reads).
 *
 * <p>Per subject the generator draws b_i first, then for every occasion e_ij and the missing-at-random
 * decision, so the draws do not depend on the share of missing occasions. A subject whose every
 * occasion is missing contributes no rows.
 */
public final class Simulator {

    /** Receives one subject's rows: the occasion indices t_j and responses y_j in {@code [0, m)}; buffers are reused. */
    @FunctionalInterface
    public interface SubjectSink {
        /** One subject (1-based id), its m rows. */
        void accept(int subject, int[] occasion, double[] y, int m) throws IOException;
    }

    private final SimulationSpec spec;

    public Simulator(SimulationSpec spec) {
        this.spec = spec;
    }

    /** The spec this simulator draws from. */
    public SimulationSpec spec() {
        return spec;
    }

    /** Generates every subject in order and hands its rows to the sink. */
    public void forEachSubject(SubjectSink sink) throws IOException {
        int n = spec.subjects();
        int mMax = spec.occasions();
        double[] beta = spec.beta();
        double[][] omega = spec.omega();
        // Ω = LL' for a positive semi-definite 2×2 matrix (a zero variance gives a zero column)
        double l00 = Math.sqrt(omega[0][0]);
        double l10 = l00 > 0 ? omega[1][0] / l00 : 0;
        double l11 = Math.sqrt(Math.max(0, omega[1][1] - l10 * l10));
        double sigma = Math.sqrt(spec.sigma2());
        double missing = spec.missing();
        SplittableRandom rng = new SplittableRandom(spec.seed());
        int[] occ = new int[mMax];
        double[] y = new double[mMax];
        for (int i = 1; i <= n; i++) {
            double u0 = rng.nextGaussian();
            double u1 = rng.nextGaussian();
            double b0 = l00 * u0;
            double b1 = l10 * u0 + l11 * u1;
            double a = beta[0] + b0;
            double s = beta[1] + b1;
            int m = 0;
            for (int j = 0; j < mMax; j++) {
                double e = sigma * rng.nextGaussian();
                boolean drop = missing > 0 && rng.nextDouble() < missing;
                if (!drop) {
                    occ[m] = j;
                    y[m] = a + s * j + e;
                    m++;
                }
            }
            if (m > 0) {
                sink.accept(i, occ, y, m);
            }
        }
    }

    /**
     * The simulated data as a compiled model frame for {@code y ~ t + (t | subj)}: X_i = Z_i = [1, t],
     * occasions labelled by t. X_i and Z_i share one array per group (both are read-only).
     */
    public ModelData modelData() {
        int mMax = spec.occasions();
        List<Group> groups = new ArrayList<>(spec.subjects());
        try {
            forEachSubject((subject, occasion, y, m) -> {
                double[] design = new double[2 * m];
                for (int j = 0; j < m; j++) {
                    design[2 * j] = 1;
                    design[2 * j + 1] = occasion[j];
                }
                groups.add(new Group(Integer.toString(subject), java.util.Arrays.copyOf(y, m), design, design,
                        java.util.Arrays.copyOf(occasion, m)));
            });
        } catch (IOException e) {
            throw new IllegalStateException("no I/O happens while building model data", e);
        }
        List<String> labels = new ArrayList<>(mMax);
        for (int j = 0; j < mMax; j++) {
            labels.add(Integer.toString(j));
        }
        return new ModelData(groups, List.of("(Intercept)", "t"), List.of("(Intercept)", "t"), "y", "subj", labels,
                0, List.of("simulated: " + spec));
    }

    /**
     * Streams the data as CSV (header {@code subj,t,y}, one row per observation, shortest round-trip
     * decimal for y) and returns the number of data rows written. The caller owns and closes the writer.
     */
    public long writeCsv(Writer out) throws IOException {
        out.write("subj,t,y\n");
        long[] rows = {0};
        StringBuilder line = new StringBuilder(64);
        forEachSubject((subject, occasion, y, m) -> {
            for (int j = 0; j < m; j++) {
                line.setLength(0);
                line.append(subject).append(',').append(occasion[j]).append(',').append(y[j]).append('\n');
                out.append(line);
            }
            rows[0] += m;
        });
        return rows[0];
    }
}
