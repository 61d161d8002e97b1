package org.lmm4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.InputException;

/**
 * Wald intervals for the fixed effects, β̂_j ± z_{(1+level)/2} se_j (lme4's {@code confint(method = "Wald")}, which
 * gives none for the covariance parameters either).
 */
public final class WaldIntervals {

    private WaldIntervals() {
    }

    /** z_{(1+level)/2}, the standard normal quantile of a two-sided interval; level must be in (0, 1). */
    public static double z(double level) {
        if (!(level > 0 && level < 1)) {
            throw new InputException("--level must be between 0 and 1 (got " + level + ")");
        }
        return new NormalDistribution(null, 0, 1).inverseCumulativeProbability((1 + level) / 2);
    }

    /** The interval of every fixed effect. */
    public static List<Interval> of(FitResult fit, double level) {
        double z = z(level);
        List<Interval> out = new ArrayList<>();
        for (int j = 0; j < fit.fixedNames().size(); j++) {
            double b = fit.fixedEffects()[j];
            double se = fit.standardErrors()[j];
            out.add(new Interval(fit.fixedNames().get(j), b, b - z * se, b + z * se, List.of()));
        }
        return out;
    }
}
