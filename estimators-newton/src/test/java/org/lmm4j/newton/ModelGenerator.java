package org.lmm4j.newton;

import org.lmm4j.testkit.Discovered;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Generated mixed models and data for property tests: random numbers of groups and occasions, each group
 * seen at a random subset of the occasions (unbalanced), a random fixed design (intercept, time, a
 * covariate), random effects (none, intercept, intercept and slope), Σ scalar / diagonal / free / cs / ar1,
 * Ω free or diagonal, ML or REML, and an admissible θ. The response is simulated from the model at θ.
 */
final class ModelGenerator {

    static final List<String> SIGMAS = List.of("scalar", "diagonal", "free", "cs", "ar1");
    static final List<String> OMEGAS = List.of("free", "diagonal");

    /** A model with data simulated at θ. */
    record Case(MixedModel model, double[] theta, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    private ModelGenerator() {
    }

    /** Small models (2–7 groups) for finite-difference checks of derivatives. */
    static Arbitrary<Case> small() {
        return cases(Arbitraries.integers().between(2, 7), Arbitraries.integers().between(2, 4));
    }

    /**
     * Models with enough groups (20–40) and occasions (3–5) for a fit, and no more covariance parameters than
     * the occasions can identify: without a free Σ or a compound-symmetry Σ beside random effects (Z_iΩZ_i'
     * would lie inside Σ's span), and a diagonal Σ with a random intercept and slope only over 4 or more occasions.
     */
    static Arbitrary<Case> wellPosed() {
        return cases(Arbitraries.integers().between(20, 40), Arbitraries.integers().between(3, 5)).filter(c -> {
            int q = c.model().data().q();
            String sigma = c.model().residual().name();
            if (q > 0 && (sigma.equals("free") || sigma.equals("cs"))) {
                return false;
            }
            if (!everyOccasionSetSeenEnough(c.model())) {
                return false;
            }
            return !(q == 2 && sigma.equals("diagonal") && c.model().data().occasions() < 4);
        });
    }

    /**
     * True when every set S of occasions is observed together in at least |S| + p + 1 groups. Otherwise the
     * residuals of the few groups that see all of S may span fewer than |S| dimensions on S, and Σ restricted to S
     * can turn singular along a direction orthogonal to them: log det of those groups' V_i falls to −∞ while their
     * quadratic forms stay bounded, so the likelihood is unbounded (a genuinely ill-posed model, seen with a free Σ
     * and occasions missing at random).
     */
    static boolean everyOccasionSetSeenEnough(MixedModel model) {
        int t = model.data().occasions();
        int p = model.data().p();
        for (int set = 1; set < 1 << t; set++) {
            int seen = 0;
            for (Group g : model.data().groups()) {
                int mask = 0;
                for (int o : g.occasion()) {
                    mask |= 1 << o;
                }
                if ((mask & set) == set) {
                    seen++;
                }
            }
            if (seen < Integer.bitCount(set) + p + 1) {
                return false;
            }
        }
        return true;
    }

    private static Arbitrary<Case> cases(Arbitrary<Integer> groups, Arbitrary<Integer> occasions) {
        return Combinators.combine(groups, occasions, Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(0, 2), Arbitraries.of(SIGMAS), Arbitraries.of(OMEGAS),
                        Arbitraries.of(Method.values()), Arbitraries.longs())
                .as(ModelGenerator::make);
    }

    static Case make(int n, int t, int p, int q, String sigmaName, String omegaName, Method method, long seed) {
        Random rnd = new Random(seed);
        CovarianceStructure sigma = Discovered.structure(sigmaName);
        CovarianceStructure omega = q > 0 ? Discovered.structure(omegaName) : null;
        double[] thetaSigma = sigma.start(randomSpd(t, rnd));
        double[][] sigmaMatrix = sigma.matrix(thetaSigma, t);
        double[] thetaOmega = q > 0 ? omega.start(randomSpd(q, rnd)) : new double[0];
        double[][] omegaMatrix = q > 0 ? omega.matrix(thetaOmega, q) : new double[0][0];
        double[] beta = new double[p];
        for (int a = 0; a < p; a++) {
            beta[a] = rnd.nextGaussian() * 3;
        }
        List<Group> groups = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < n || total <= p + 1; i++) {
            List<Integer> occ = new ArrayList<>();
            for (int o = 0; o < t; o++) {
                if (rnd.nextDouble() < 0.8) {
                    occ.add(o);
                }
            }
            if (occ.isEmpty()) {
                occ.add(rnd.nextInt(t));
            }
            int m = occ.size();
            double[] x = new double[m * p];
            double[] z = new double[m * q];
            int[] oc = new int[m];
            double cov = rnd.nextGaussian();
            for (int j = 0; j < m; j++) {
                int o = occ.get(j);
                oc[j] = o;
                double time = o - (t - 1) / 2.0;
                double[] cols = {1, time, cov + 0.3 * rnd.nextGaussian()};
                System.arraycopy(cols, 0, x, j * p, p);
                double[] zc = {1, time};
                System.arraycopy(zc, 0, z, j * q, q);
            }
            double[] y = simulate(x, z, oc, beta, sigmaMatrix, omegaMatrix, p, q, rnd);
            groups.add(new Group("g" + (i + 1), y, x, z, oc));
            total += m;
        }
        List<String> fixed = List.of("(Intercept)", "time", "x").subList(0, p);
        List<String> random = List.of("(Intercept)", "time").subList(0, q);
        List<String> labels = new ArrayList<>();
        for (int o = 0; o < t; o++) {
            labels.add(String.valueOf(o + 1));
        }
        ModelData data = new ModelData(groups, fixed, random, "y", "g", labels, 0, List.of());
        MixedModel model = new MixedModel(data, sigma, omega, method);
        double[] theta = new double[thetaSigma.length + thetaOmega.length];
        System.arraycopy(thetaSigma, 0, theta, 0, thetaSigma.length);
        System.arraycopy(thetaOmega, 0, theta, thetaSigma.length, thetaOmega.length);
        String label = String.format("n=%d T=%d p=%d q=%d Σ=%s Ω=%s %s seed=%d", groups.size(), t, p, q, sigmaName,
                q > 0 ? omegaName : "-", method, seed);
        return new Case(model, theta, label);
    }

    /** A random symmetric positive definite matrix B B'/d + I/2. */
    static double[][] randomSpd(int d, Random rnd) {
        double[][] b = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                b[i][j] = rnd.nextGaussian();
            }
        }
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int k = 0; k < d; k++) {
                    v += b[i][k] * b[j][k];
                }
                s[i][j] = v / d + (i == j ? 0.5 : 0);
            }
        }
        return s;
    }

    private static double[] simulate(double[] x, double[] z, int[] oc, double[] beta, double[][] sigma,
                                     double[][] omega, int p, int q, Random rnd) {
        int m = oc.length;
        double[] y = new double[m];
        double[] b = correlated(omega, rnd);
        double[][] sub = new double[m][m];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < m; k++) {
                sub[j][k] = sigma[oc[j]][oc[k]];
            }
        }
        double[] e = correlated(sub, rnd);
        for (int j = 0; j < m; j++) {
            double s = e[j];
            for (int a = 0; a < p; a++) {
                s += x[j * p + a] * beta[a];
            }
            for (int a = 0; a < q; a++) {
                s += z[j * q + a] * b[a];
            }
            y[j] = s;
        }
        return y;
    }

    /** A draw from N(0, c) (c positive definite). */
    private static double[] correlated(double[][] c, Random rnd) {
        int d = c.length;
        double[] l = org.lmm4j.linalg.Matrices.flatten(c);
        if (!org.lmm4j.linalg.Cholesky.factor(l, d)) {
            throw new IllegalStateException("not positive definite");
        }
        double[] out = new double[d];
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            w[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int k = 0; k <= i; k++) {
                s += l[i * d + k] * w[k];
            }
            out[i] = s;
        }
        return out;
    }
}
