package org.lmm4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The sufficient-statistics fast path for Σ = σ²I ({@link SufficientStatistics}) gives the same
 * profile, criterion, deviance, gradient, Hessian, expected information and conditioning as the block path
 * ({@link BlockPath})
 * — for unbalanced groups, rank-deficient Z_i (m_i &lt; q, repeated columns), singular and indefinite Ω.
 */
class SufficientStatisticsProperties {

    private static final double TOL = 1e-8;

    @Property(tries = 150)
    void fastPathEqualsGenericPath(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int groups,
                                   @ForAll @IntRange(min = 1, max = 3) int p, @ForAll @IntRange(min = 0, max = 3) int q,
                                   @ForAll @IntRange(min = 0, max = 3) int omegaKind) {
        Random rnd = new Random(seed);
        ModelData data = data(rnd, groups, p, q);
        double sigma2 = 0.1 + 3 * rnd.nextDouble();
        double[] theta = theta(rnd, data, sigma2, omegaKind);
        for (Method method : Method.values()) {
            MixedModel model = new MixedModel(data, new Scalar(), new Free(), method);
            ProfiledDeviance fast = new ProfiledDeviance(model, true);
            ProfiledDeviance slow = new ProfiledDeviance(model, false);
            Profile a = fast.profile(theta);
            Profile b = slow.profile(theta);
            assertEquals(b.admissible(), a.admissible());
            if (!a.admissible()) {
                continue;
            }
            close(b.logDetV(), a.logDetV());
            close(b.weightedRss(), a.weightedRss());
            close(b.logDetXtVinvX(), a.logDetXtVinvX());
            close(slow.criterion(theta), fast.criterion(theta));
            for (int k = 0; k < p; k++) {
                close(b.beta()[k], a.beta()[k]);
                for (int l = 0; l < p; l++) {
                    close(b.covBeta()[k][l], a.covBeta()[k][l]);
                }
            }
            double[] beta = new double[p];
            for (int k = 0; k < p; k++) {
                beta[k] = a.beta()[k] + rnd.nextGaussian();
            }
            close(slow.deviance(beta, theta), fast.deviance(beta, theta));
            double[][] ba = fast.blups(theta, a.beta());
            double[][] bb = slow.blups(theta, a.beta());
            for (int i = 0; i < groups; i++) {
                for (int k = 0; k < q; k++) {
                    close(bb[i][k], ba[i][k]);
                }
            }
            Gradient ga = fast.gradient(theta);
            Gradient gb = slow.gradient(theta);
            assertNotNull(ga);
            // the conditioning min_j 1/((V⁻¹)_jj V_jj) of the Hessian equals the one computed on the V_i themselves
            CovarianceMatrices cm = slow.covariances(theta);
            double worst = 1;
            for (Group g : data.groups()) {
                GroupBlock blk = GroupBlock.of(g, cm.sigma(), cm.omega());
                double[] inv = blk.inverse();
                double[] v = blk.v();
                for (int j = 0; j < g.size(); j++) {
                    worst = Math.min(worst, 1 / (inv[j * g.size() + j] * v[j * g.size() + j]));
                }
            }
            assertEquals(worst, fast.hessian(theta, ga).worstConditioning(), 1e-7 * worst + 1e-12);
            // the Hessian and the expected information agree too (the same second-order sums on both paths)
            CriterionHessian ha = fast.hessian(theta, ga);
            CriterionHessian hb = slow.hessian(theta, gb);
            assertEquals(hb.worstConditioning(), ha.worstConditioning(), 1e-7 * worst + 1e-12);
            double[][] ia = fast.expectedInformation(theta, ga);
            double[][] ib = slow.expectedInformation(theta, gb);
            assertEquals(ib == null, ia == null);
            for (int k = 0; k < theta.length; k++) {
                for (int l = 0; l < theta.length; l++) {
                    closeTo(hb.hessian()[k][l], ha.hessian()[k][l], hb.hessian());
                    if (ia != null) {
                        closeTo(ib[k][l], ia[k][l], ib);
                    }
                }
            }
            close(gb.criterion(), ga.criterion());
            for (int k = 0; k < theta.length; k++) {
                close(gb.theta()[k], ga.theta()[k]);
            }
            close(trace(gb.sigmaGradient()), trace(ga.sigmaGradient()));
            for (int k = 0; k < q; k++) {
                for (int l = 0; l < q; l++) {
                    close(gb.omegaGradient()[k][l], ga.omegaGradient()[k][l]);
                }
            }
        }
    }

    @Property(tries = 100)
    void bothPathsRejectTheSameInadmissibleOmega(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int groups) {
        Random rnd = new Random(seed);
        ModelData data = data(rnd, groups, 2, 2);
        // Ω = −I makes σ²I + ZΩZ' indefinite as soon as some Z_i'Z_i has an eigenvalue above σ² = 0.01
        double[] theta = {0.01, -1, 0, -1};
        MixedModel model = new MixedModel(data, new Scalar(), new Free(), Method.ML);
        assertEquals(new ProfiledDeviance(model, false).profile(theta).admissible(),
                new ProfiledDeviance(model, true).profile(theta).admissible());
        assertTrue(Double.isInfinite(new ProfiledDeviance(model, true).deviance(new double[2], theta)));
    }

    @Property(tries = 100)
    void hessianMatchesFiniteDifferencesOfTheGradient(@ForAll long seed, @ForAll @IntRange(min = 3, max = 12) int groups,
                                                     @ForAll @IntRange(min = 1, max = 2) int p,
                                                     @ForAll @IntRange(min = 0, max = 2) int q) {
        Random rnd = new Random(seed);
        ModelData data = data(rnd, groups, p, q);
        double[] theta = theta(rnd, data, 0.5 + rnd.nextDouble(), 0);
        for (Method method : Method.values()) {
            ProfiledDeviance fast = new ProfiledDeviance(new MixedModel(data, new Scalar(), new Free(), method), true);
            assertTrue(fast.hasSufficientStatistics());
            Gradient g = fast.gradient(theta);
            double[][] h = fast.hessian(theta, g).hessian();
            for (int l = 0; l < theta.length; l++) {
                double step = 1e-5 * Math.max(1, Math.abs(theta[l]));
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[l] += step;
                down[l] -= step;
                double[] gu = fast.gradient(up).theta();
                double[] gd = fast.gradient(down).theta();
                for (int k = 0; k < theta.length; k++) {
                    double fd = (gu[k] - gd[k]) / (2 * step);
                    double scale = Math.max(1, Math.abs(fd));
                    assertEquals(fd, h[k][l], 1e-4 * scale, "H[" + k + "][" + l + "] " + method);
                    assertEquals(h[k][l], h[l][k], 1e-10 * Math.max(1, Math.abs(h[k][l])));
                }
            }
        }
    }

    /** Within TOL of the largest entry of the matrix the value belongs to (second derivatives can be large). */
    private static void closeTo(double expected, double actual, double[][] of) {
        double scale = 1;
        for (double[] row : of) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        assertEquals(expected, actual, 1e-7 * scale);
    }

    private static void close(double expected, double actual) {
        double scale = Math.max(1, Math.abs(expected));
        assertEquals(expected, actual, TOL * scale);
    }

    private static double trace(double[][] a) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k][k];
        }
        return s;
    }

    /** Random unbalanced groups (the first complete); Z_i has an intercept-like column, sometimes a repeated column or m_i &lt; q. */
    static ModelData data(Random rnd, int n, int p, int q) {
        int t = 6;
        List<Group> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int m = i == 0 ? t : 1 + rnd.nextInt(t); // the first group alone gives X full column rank
            double[] y = new double[m];
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] occ = new int[m];
            boolean repeated = q >= 2 && rnd.nextInt(4) == 0;
            for (int j = 0; j < m; j++) {
                occ[j] = j;
                for (int c = 0; c < p; c++) {
                    x[j * p + c] = c == 0 ? 1 : rnd.nextGaussian();
                }
                for (int c = 0; c < q; c++) {
                    z[j * q + c] = c == 0 ? 1 : (repeated && c == 1 ? 2 * z[j * q] : rnd.nextGaussian() + j);
                }
                y[j] = 5 + 3 * rnd.nextGaussian();
            }
            list.add(new Group("g" + i, y, x, z, occ));
        }
        List<String> fixed = new ArrayList<>();
        for (int c = 0; c < p; c++) {
            fixed.add("x" + c);
        }
        List<String> random = new ArrayList<>();
        for (int c = 0; c < q; c++) {
            random.add("z" + c);
        }
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < t; j++) {
            labels.add(Integer.toString(j));
        }
        return new ModelData(list, fixed, random, "y", "g", labels, 0, List.of());
    }

    /** θ = (σ², lower triangle of Ω); Ω positive definite, singular (rank 1) or mildly indefinite (V still PD). */
    static double[] theta(Random rnd, ModelData data, double sigma2, int kind) {
        int q = data.q();
        double[][] omega = new double[q][q];
        int rank = kind == 1 ? Math.min(1, q) : q;
        double[][] b = new double[q][rank];
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < rank; c++) {
                b[a][c] = rnd.nextGaussian();
            }
        }
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < q; c++) {
                for (int k = 0; k < rank; k++) {
                    omega[a][c] += b[a][k] * b[c][k];
                }
            }
        }
        if (kind == 2) {
            // an indefinite Ω with spectral norm below 2ε: ZΩZ' ≥ −2ε ZZ' ≥ −½σ²I when 2ε·max tr(Z_i'Z_i) ≤ ½σ²
            double maxTrace = 1e-12;
            for (Group g : data.groups()) {
                double tr = 0;
                for (double v : g.z()) {
                    tr += v * v;
                }
                maxTrace = Math.max(maxTrace, tr);
            }
            double eps = 0.25 * sigma2 / maxTrace;
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    omega[a][c] = a == c ? (a % 2 == 0 ? eps : -eps) : eps / 3;
                }
            }
        }
        double[] theta = new double[1 + q * (q + 1) / 2];
        theta[0] = sigma2;
        int k = 1;
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                theta[k++] = omega[a][c];
            }
        }
        return theta;
    }

    /** σ²I, θ = [σ²]. */
    static final class Scalar implements CovarianceStructure {
        public String name() {
            return "scalar";
        }

        public String description() {
            return "test scalar";
        }

        public int parameterCount(int d) {
            return 1;
        }

        public List<String> parameterNames(int d) {
            return List.of("sigma2");
        }

        public double[][] matrix(double[] theta, int d) {
            double[][] s = new double[d][d];
            for (int i = 0; i < d; i++) {
                s[i][i] = theta[0];
            }
            return s;
        }

        public double[][][] derivatives(double[] theta, int d) {
            return new double[][][] {matrix(new double[] {1}, d)};
        }

        public boolean isScalar() {
            return true;
        }

        public boolean isPositiveDefinite(double[] theta, int d) {
            return theta[0] > 0;
        }

        public double[] parameters(double[][] m) {
            return new double[] {m[0][0]};
        }

        public double[] maximise(double[][] scatter, double n) {
            return new double[] {scatter[0][0] / n};
        }
    }

    /** Any symmetric q×q matrix, θ = its lower triangle by rows. */
    static final class Free implements CovarianceStructure {
        public String name() {
            return "free";
        }

        public String description() {
            return "test free";
        }

        public int parameterCount(int d) {
            return d * (d + 1) / 2;
        }

        public List<String> parameterNames(int d) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < parameterCount(d); i++) {
                out.add("w" + i);
            }
            return out;
        }

        public double[][] matrix(double[] theta, int d) {
            double[][] s = new double[d][d];
            int k = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    s[i][j] = theta[k];
                    s[j][i] = theta[k++];
                }
            }
            return s;
        }

        public double[][][] derivatives(double[] theta, int d) {
            double[][][] out = new double[parameterCount(d)][d][d];
            int k = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    out[k][i][j] = 1;
                    out[k++][j][i] = 1;
                }
            }
            return out;
        }

        public boolean isPositiveDefinite(double[] theta, int d) {
            return true;
        }

        public double[] parameters(double[][] m) {
            int d = m.length;
            double[] theta = new double[parameterCount(d)];
            int k = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    theta[k++] = m[i][j];
                }
            }
            return theta;
        }

        public double[] maximise(double[][] scatter, double n) {
            double[][] s = new double[scatter.length][scatter.length];
            for (int i = 0; i < s.length; i++) {
                for (int j = 0; j < s.length; j++) {
                    s[i][j] = scatter[i][j] / n;
                }
            }
            return parameters(s);
        }
    }
}
