package org.lmm4j.app.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lmm4j.likelihood.ColumnMoments;
import org.lmm4j.model.ModelData;

/**
 * Advice about the fixed-effects design X that a fit report adds to the compiler's notes: a covariate whose mean is
 * at least {@value #RATIO} times its standard deviation is nearly collinear with the intercept (the cross-products
 * X'X then lose about 2·log₁₀(|mean|/sd) digits), and centring it, x − x̄, keeps its coefficient and the fit while
 * making the intercept the value at the mean. Means and spreads from {@link ColumnMoments}, which does not lose the
 * spread of values far from zero.
 */
public final class DesignAdvice {

    /** |mean| / sd from which a covariate is reported as nearly collinear with the intercept. */
    static final double RATIO = 1e4;

    private DesignAdvice() {
    }

    /** The notes for {@code data}: one sentence per covariate nearly collinear with the intercept. */
    public static List<String> notes(ModelData data) {
        int p = data.p();
        ColumnMoments x = ColumnMoments.ofFixed(data.groups(), data.observations(), p);
        long n = x.n();
        double[] mean = x.mean();
        double[] m2 = x.m2();
        List<String> out = new ArrayList<>();
        if (n < 2) {
            return out;
        }
        boolean intercept = false;
        for (int j = 0; j < p; j++) {
            intercept |= m2[j] == 0 && mean[j] != 0;
        }
        for (int j = 0; intercept && j < p; j++) {
            double sd = x.sd(j);
            if (sd > 0 && Math.abs(mean[j]) >= RATIO * sd) {
                String name = data.fixedNames().get(j);
                String m = String.format(Locale.ROOT, "%.6g", mean[j]);
                out.add("\"" + name + "\" is nearly collinear with the intercept (mean " + m + ", standard deviation "
                        + String.format(Locale.ROOT, "%.3g", sd) + "), which costs digits in the fixed effects: centre "
                        + "it (e.g. " + name + " - " + m + " in the data); its coefficient stays the same and the "
                        + "intercept becomes the value at the mean");
            }
        }
        return out;
    }
}
