package org.lmm4j.app.invariants;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.MixedModel;
import org.lmm4j.likelihood.GroupBlock;
import org.lmm4j.likelihood.Profile;
import org.lmm4j.likelihood.ProfiledDeviance;
import org.lmm4j.model.Group;
import org.lmm4j.testkit.GeneratedModel;
import org.lmm4j.testkit.Likelihood;
import org.lmm4j.testkit.LikelihoodInvariants;

/**
 * The invariant suite can fail (issue 9, "Done when"): a deliberately broken deviance — the profiled
 * criterion drops log det V_1 of the first group, as a bug in the accumulation would — run through the
 * likelihood invariants on generated models must be caught by at least three properties.
 */
class MutantLikelihoodIsCaughtTest {

    /** The invariants with the first group's log det V_i missing from Δ_p and Δ_R (the full Δ(β, θ) is intact). */
    static final class DroppedLogDet extends LikelihoodInvariants {
        @Override
        protected Likelihood likelihood(MixedModel model) {
            Likelihood real = Likelihood.of(model);
            ProfiledDeviance pd = new ProfiledDeviance(model);
            Group first = model.data().groups().get(0);
            return new Likelihood() {
                double dropped(double[] theta) {
                    GroupBlock b = pd.block(first, pd.covariances(theta));
                    return b.logDet();
                }

                @Override
                public double criterion(double[] theta) {
                    return real.criterion(theta) - dropped(theta);
                }

                @Override
                public Profile profile(double[] theta) {
                    Profile p = real.profile(theta);
                    return new Profile(p.admissible(), p.beta(), p.covBeta(), p.logDetV() - dropped(theta),
                            p.weightedRss(), p.logDetXtVinvX());
                }

                @Override
                public double deviance(double[] beta, double[] theta) {
                    return real.deviance(beta, theta);
                }

                @Override
                public double[] gradient(double[] theta) {
                    return real.gradient(theta);
                }

                @Override
                public double[][] blups(double[] theta, double[] beta) {
                    return real.blups(theta, beta);
                }
            };
        }
    }

    @Test
    void droppingOneLogDeterminantFailsAtLeastThreeProperties() {
        DroppedLogDet broken = new DroppedLogDet();
        List<GeneratedModel> models = new ArrayList<>();
        Arbitrary<GeneratedModel> any = broken.models();
        Arbitrary<GeneratedModel> withRandom = broken.modelsWithRandomEffects();
        any.sampleStream().limit(20).forEach(models::add);
        List<GeneratedModel> randomModels = withRandom.sampleStream().limit(20).toList();
        Set<String> caught = new LinkedHashSet<>();
        check(caught, "profiledEqualsFullDevianceAtGlsBeta", models, broken::profiledEqualsFullDevianceAtGlsBeta);
        check(caught, "gradientMatchesFiniteDifferences", models, broken::gradientMatchesFiniteDifferences);
        check(caught, "invariantUnderPermutationOfGroups", models, broken::invariantUnderPermutationOfGroups);
        check(caught, "invariantUnderPermutationOfRowsWithinGroups", models,
                broken::invariantUnderPermutationOfRowsWithinGroups);
        check(caught, "invariantUnderReparametrisationOfX", models, broken::invariantUnderReparametrisationOfX);
        check(caught, "invariantUnderReparametrisationOfZ", randomModels, broken::invariantUnderReparametrisationOfZ);
        check(caught, "betaShiftsWhenYShiftsByXDelta", models, broken::betaShiftsWhenYShiftsByXDelta);
        check(caught, "devianceShiftsBy2NLogCUnderScaling", models, broken::devianceShiftsBy2NLogCUnderScaling);
        check(caught, "remlCriterionIsProfiledPlusLogDet", models, broken::remlCriterionIsProfiledPlusLogDet);
        System.out.println("dropped log det V_1 caught by: " + caught);
        assertTrue(caught.size() >= 3, "only " + caught + " caught the broken deviance");
    }

    private static void check(Set<String> caught, String name, List<GeneratedModel> models, Consumer<GeneratedModel> p) {
        for (GeneratedModel m : models) {
            try {
                p.accept(m);
            } catch (AssertionError e) {
                caught.add(name);
                return;
            }
        }
    }
}
