package org.lmm4j.app.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.Lmm4jModule;
import org.lmm4j.app.Plugins;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.data.DataTable;
import org.lmm4j.linalg.Matrices;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * The BLUPs of the gender/random model from the general formula b̂_i = ΩZ_i'V_i⁻¹(y_i − X_iβ̂)
 * (computed in api, reported by {@link FitResult#randomEffects()}) equal the paper's shrinkage formula
 *
 * <pre>E(B|Y) = B̃[I − Ω(Ω + σ²I)⁻¹] + B̂Ω(Ω + σ²I)⁻¹</pre>
 *
 * in the paper's parametrisation: X the first two orthonormal polynomials on the ages 8..14, B̂ = YX
 * the least-squares coefficients, B̃ the mixed model estimate (the gender's line). And the growth
 * curves they give are the Figure 3 lines that {@link PaperAnalysis} computes with age in years.
 */
class BlupShrinkageTest {

    /** paper-targets.md, "Parametrisation used in the paper": the columns of X as the paper prints them. */
    private static final double[][] PAPER_X = {{0.5, 0.5, 0.5, 0.5}, {-0.67082, -0.22361, 0.22361, 0.67082}};
    private static final double[] AGES = {8, 10, 12, 14};

    static Plugins plugins;
    static DataTable dental;
    static double[][] x;                 // 4×2, orthonormal polynomials
    static Map<String, double[]> y;      // child → distances at ages 8..14
    static Map<String, Boolean> boy;     // child → is a boy
    static FitResult fit;

    @BeforeAll
    static void fitInThePapersParametrisation() {
        plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);
        dental = BundledData.dental();
        x = orthonormalPolynomials(AGES, 2);
        y = new LinkedHashMap<>();
        boy = new LinkedHashMap<>();
        String[] subject = dental.column("Subject");
        String[] sex = dental.column("Sex");
        String[] age = dental.column("age");
        String[] distance = dental.column("distance");
        for (int r = 0; r < dental.rows(); r++) {
            double[] yi = y.computeIfAbsent(subject[r], k -> new double[4]);
            yi[(int) ((Double.parseDouble(age[r]) - 8) / 2)] = Double.parseDouble(distance[r]);
            boy.put(subject[r], sex[r].equals("Male"));
        }
        List<Group> groups = new ArrayList<>();
        for (String id : y.keySet()) {
            double[] xi = new double[4 * 4];
            double[] zi = new double[4 * 2];
            int offset = boy.get(id) ? 0 : 2;
            for (int j = 0; j < 4; j++) {
                for (int c = 0; c < 2; c++) {
                    xi[j * 4 + offset + c] = x[j][c];
                    zi[j * 2 + c] = x[j][c];
                }
            }
            groups.add(new Group(id, y.get(id).clone(), xi, zi, new int[] {0, 1, 2, 3}));
        }
        ModelData data = new ModelData(groups, List.of("boys:P0", "boys:P1", "girls:P0", "girls:P1"),
                List.of("P0", "P1"), "distance", "Subject", List.of("8", "10", "12", "14"), 0, List.of());
        MixedModel model = new MixedModel(data, plugins.structure("scalar"), plugins.structure("free"), Method.ML);
        fit = plugins.estimator("newton").fit(model, FitOptions.defaults());
        assertEquals(FitStatus.CONVERGED, fit.status(), fit.reason());
    }

    @Test
    void theOrthonormalPolynomialsAreThePapersX() {
        for (int j = 0; j < 4; j++) {
            for (int c = 0; c < 2; c++) {
                assertEquals(PAPER_X[c][j], x[j][c], 1e-5);
            }
        }
    }

    @Test
    void theDevianceDoesNotDependOnTheParametrisation() {
        // paper-targets.md, Table 1, gender/random (recomputed): 229.3152
        assertEquals(229.3152, fit.criterion(), 1e-3);
    }

    @Test
    void generalFormulaEqualsThePapersShrinkageFormula() {
        double sigma2 = fit.sigma()[0][0];
        double[][] omega = fit.omega();
        double[][] shrink = times(omega, Matrices.inverseSpd(plus(omega, sigma2)));   // Ω(Ω + σ²I)⁻¹
        double largestShrinkage = 0;
        for (int i = 0; i < fit.groupIds().size(); i++) {
            String id = fit.groupIds().get(i);
            double[] tilde = mixedEstimate(id);
            double[] hat = leastSquares(id);                       // B̂ = YX
            double[] paper = new double[2];                        // B̃[I − S] + B̂S
            for (int c = 0; c < 2; c++) {
                paper[c] = tilde[c];
                for (int k = 0; k < 2; k++) {
                    paper[c] += (hat[k] - tilde[k]) * shrink[k][c];
                }
            }
            double[] general = fit.randomEffects()[i];
            for (int c = 0; c < 2; c++) {
                assertEquals(paper[c], tilde[c] + general[c], 1e-6, id + " coefficient " + c);
                largestShrinkage = Math.max(largestShrinkage, Math.abs(paper[c] - hat[c]));
            }
        }
        // the comparison is not vacuous: the BLUPs are pulled visibly away from least squares
        assertTrue(largestShrinkage > 0.1, "largest shrinkage " + largestShrinkage);
    }

    @Test
    void figure3LinesAreTheseBlupsWithAgeInYears() {
        PaperAnalysis analysis = new PaperAnalysis(plugins, dental);
        FitResult ageFit = plugins.estimator("newton").fit(analysis.model(PaperMean.GENDER, PaperSigma.RANDOM),
                FitOptions.defaults());
        for (int i = 0; i < fit.groupIds().size(); i++) {
            String id = fit.groupIds().get(i);
            String sex = boy.get(id) ? PaperAnalysis.BOYS : PaperAnalysis.GIRLS;
            int g = ageFit.groupIds().indexOf(id);
            double[] mean = GrowthLines.line(ageFit.fixedNames(), ageFit.fixedEffects(), id, sex);
            double[] dev = GrowthLines.line(ageFit.randomNames(), ageFit.randomEffects()[g], id, sex);
            double[] tilde = mixedEstimate(id);
            double[] b = fit.randomEffects()[i];
            for (int j = 0; j < 4; j++) {
                double orthonormal = x[j][0] * (tilde[0] + b[0]) + x[j][1] * (tilde[1] + b[1]);
                double years = mean[0] + dev[0] + (mean[1] + dev[1]) * AGES[j];
                assertEquals(orthonormal, years, 1e-4, id + " at age " + AGES[j]);
            }
        }
    }

    /** B̃ for a child: the fixed coefficients of the child's gender. */
    private static double[] mixedEstimate(String id) {
        int offset = boy.get(id) ? 0 : 2;
        return new double[] {fit.fixedEffects()[offset], fit.fixedEffects()[offset + 1]};
    }

    /** B̂ = YX for a child (X has orthonormal columns, so this is least squares). */
    private static double[] leastSquares(String id) {
        double[] yi = y.get(id);
        double[] b = new double[2];
        for (int j = 0; j < 4; j++) {
            for (int c = 0; c < 2; c++) {
                b[c] += yi[j] * x[j][c];
            }
        }
        return b;
    }

    /** The first {@code k} orthonormal polynomials on the points, by Gram–Schmidt on 1, t, t², ... */
    static double[][] orthonormalPolynomials(double[] t, int k) {
        int m = t.length;
        double[][] q = new double[m][k];
        for (int c = 0; c < k; c++) {
            double[] v = new double[m];
            for (int j = 0; j < m; j++) {
                v[j] = Math.pow(t[j], c);
            }
            for (int d = 0; d < c; d++) {
                double dot = 0;
                for (int j = 0; j < m; j++) {
                    dot += v[j] * q[j][d];
                }
                for (int j = 0; j < m; j++) {
                    v[j] -= dot * q[j][d];
                }
            }
            double norm = 0;
            for (double a : v) {
                norm += a * a;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < m; j++) {
                q[j][c] = v[j] / norm;
            }
        }
        return q;
    }

    private static double[][] plus(double[][] a, double s) {
        double[][] out = Matrices.copy(a);
        for (int i = 0; i < a.length; i++) {
            out[i][i] += s;
        }
        return out;
    }

    private static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }
}
