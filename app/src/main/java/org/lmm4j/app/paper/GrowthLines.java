package org.lmm4j.app.paper;

import java.util.List;

/**
 * Reads a straight growth curve for one child out of a coefficient vector, by evaluating each named
 * coefficient's design column for that child: {@code (Intercept)} is 1, {@code age} is the age, a
 * factor column {@code SubjectM01} or {@code SexFemale} is the indicator of that level, and an
 * interaction {@code a:b} is the product. Since every column is at most linear in age, the fitted
 * value Σ_k β_k x_k(age) is the line intercept + slope·age with intercept = Σ β_k x_k(0) and
 * slope = Σ β_k [x_k(1) − x_k(0)]. Works for the fixed effects of all three mean models and for
 * the BLUPs b̂_i of the random intercept and slope.
 */
final class GrowthLines {

    static final String AGE = "age";
    static final String SUBJECT = "Subject";
    static final String SEX = "Sex";
    static final String INTERCEPT = "(Intercept)";

    private GrowthLines() {
    }

    /** {intercept, slope} of Σ_k coef_k x_k(age) for a child of that id and sex. */
    static double[] line(List<String> names, double[] coef, String subject, String sex) {
        double intercept = 0;
        double slope = 0;
        for (int k = 0; k < names.size(); k++) {
            double at0 = column(names.get(k), subject, sex, 0);
            double at1 = column(names.get(k), subject, sex, 1);
            intercept += coef[k] * at0;
            slope += coef[k] * (at1 - at0);
        }
        return new double[] {intercept, slope};
    }

    /** The value of one named design column for a child at an age. */
    static double column(String name, String subject, String sex, double age) {
        double v = 1;
        for (String token : name.split(":")) {
            v *= token(token.trim(), subject, sex, age, name);
        }
        return v;
    }

    private static double token(String t, String subject, String sex, double age, String name) {
        if (t.equals(INTERCEPT)) {
            return 1;
        }
        if (t.equals(AGE)) {
            return age;
        }
        if (t.startsWith(SUBJECT)) {
            return level(t.substring(SUBJECT.length())).equals(subject) ? 1 : 0;
        }
        if (t.startsWith(SEX)) {
            return level(t.substring(SEX.length())).equals(sex) ? 1 : 0;
        }
        throw new IllegalStateException("cannot read the coefficient '" + name + "' as a column of the dental data");
    }

    /** The level in a factor column name: {@code M01}, also from {@code [M01]}, {@code =M01} or {@code _M01}. */
    private static String level(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            return s.substring(1, s.length() - 1);
        }
        if (s.startsWith("=") || s.startsWith("_") || s.startsWith(".")) {
            return s.substring(1);
        }
        return s;
    }
}
