package org.lmm4j.inference;

import java.util.List;

/**
 * A confidence interval for one parameter (DESIGN §3's {@code confint} rows).
 *
 * @param parameter  lme4's name of the parameter
 * @param estimate   its estimate
 * @param lower      lower end (a standard deviation's profile interval may end at 0, a correlation's at ±1)
 * @param upper      upper end
 * @param trace      for a profile interval the points of ζ evaluated on the way, by value; empty otherwise
 */
public record Interval(String parameter, double estimate, double lower, double upper, List<ProfilePoint> trace) {

    public Interval {
        trace = List.copyOf(trace);
    }
}
