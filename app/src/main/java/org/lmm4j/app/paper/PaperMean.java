package org.lmm4j.app.paper;

/**
 * The three columns of the paper's Table 1, the models for the regression coefficients: "equal"
 * (one line for every child), "gender" (one line for the boys, one for the girls) and "free" (a line
 * for every child, 54 coefficients), written as lme4-style formulas on the dental data.
 */
public enum PaperMean {
    /** All regression coefficients the same: {@code distance ~ age}. */
    EQUAL("equal", "distance ~ age"),
    /** The same for all boys and the same for all girls: {@code distance ~ Sex*age}. */
    GENDER("gender", "distance ~ Sex*age"),
    /** All different, a line per child: {@code distance ~ 0 + Subject + Subject:age}. */
    FREE("free", "distance ~ 0 + Subject + Subject:age");

    private final String label;
    private final String formula;

    PaperMean(String label, String formula) {
        this.label = label;
        this.formula = formula;
    }

    /** The column heading of Table 1. */
    public String label() {
        return label;
    }

    /** The fixed part of the formula. */
    public String formula() {
        return formula;
    }
}
