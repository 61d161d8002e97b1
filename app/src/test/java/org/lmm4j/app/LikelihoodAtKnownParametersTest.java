package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.likelihood.ProfiledDeviance;

/**
 * The profiled ML deviance Δ_p(θ) of the dental data at the parameters reported in
 * reference/paper-targets.md, evaluated with {@link ProfiledDeviance} alone (no estimator): Table 1's
 * gender/random cell (229.3152) and gender/free cell at Table 2's Σ (220.986).
 */
class LikelihoodAtKnownParametersTest {

    private final Plugins plugins = Guice.createInjector(new Lmm4jModule()).getInstance(Plugins.class);

    @Test
    void mixedGenderModelAtThePublishedEstimates() {
        MixedModel model = ModelFactory.build(BundledData.dental(), "distance ~ Sex*age + (age | Subject)", "scalar",
                null, null, Method.ML, plugins);
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        double[] sigmaTheta = model.residual().parameters(new double[][] {{1.716204}});
        double[] omegaTheta = model.randomEffects().parameters(new double[][] {{4.5569, -0.19825}, {-0.19825, 0.023759}});
        double[] theta = deviance.join(sigmaTheta, omegaTheta);
        assertEquals(229.3152, deviance.criterion(theta), 1e-3);
        double[] beta = deviance.profile(theta).beta();
        assertEquals(229.3152, deviance.deviance(beta, theta), 1e-3);
        assertEquals(16.34063, beta[0], 1e-3);
    }

    @Test
    void genderModelWithAFreeSigmaAtTableTwo() {
        MixedModel model = ModelFactory.build(BundledData.dental(), "distance ~ Sex*age", "free", "age", "Subject",
                Method.ML, plugins);
        assertEquals(4, model.data().occasions());
        double[] v = {5.1192, 3.9280, 5.9798, 4.6180};
        double[][] r = {
            {1, 0.54434, 0.65257, 0.51875},
            {0.54434, 1, 0.56072, 0.71903},
            {0.65257, 0.56072, 1, 0.72759},
            {0.51875, 0.71903, 0.72759, 1}};
        double[][] sigma = new double[4][4];
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < 4; k++) {
                sigma[j][k] = r[j][k] * Math.sqrt(v[j] * v[k]);
            }
        }
        CovarianceStructure free = model.residual();
        ProfiledDeviance deviance = new ProfiledDeviance(model);
        double[] theta = free.parameters(sigma);
        assertEquals(220.986, deviance.criterion(theta), 1e-2);
        assertEquals(15.84230, deviance.profile(theta).beta()[0], 1e-2);
    }
}
