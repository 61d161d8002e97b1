package org.lmm4j.app.paper;

/**
 * One straight growth curve distance = intercept + slope·age, as drawn in the paper's Figures 1–3:
 * a child's least-squares line, a gender line or a child's BLUP line.
 *
 * @param label      the child's id, or "Boys"/"Girls" for a gender line
 * @param boy        true for a boy (solid line), false for a girl (dashed line)
 * @param intercept  the value at age 0
 * @param slope      growth per year of age
 */
public record GrowthLine(String label, boolean boy, double intercept, double slope) {

    /** The line's value at an age. */
    public double at(double age) {
        return intercept + slope * age;
    }
}
