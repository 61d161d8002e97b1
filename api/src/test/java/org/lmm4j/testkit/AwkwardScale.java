package org.lmm4j.testkit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.lmm4j.api.Method;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * One random awkward-scale transformation of a model's data (docs/DESIGN.md §4, issue 15), either y → c(y + Xδ) with
 * |Xδ| up to 10¹⁰ times the spread of y, or, when X has an intercept column, a covariate x_j → c(x_j + a) with |a| up
 * to 10¹⁰ times its spread; c from 10⁻⁶ to 10⁶ with either sign. Both leave the model the same model: the first maps
 * Δ to Δ + 2N log|c| (N − p for REML), Σ and Ω to c²Σ and c²Ω and β to c(β + δ); the second leaves Σ and Ω alone,
 * adds 2 log|c| to REML's log det A and maps β through X' = XA.
 *
 * @param c          the scale factor
 * @param delta      the shift δ of y → c(y + Xδ), or null for a covariate transformation
 * @param column     the covariate j transformed, or −1
 * @param intercept  the intercept column, or −1
 * @param a          the covariate's shift
 */
public record AwkwardScale(double c, double[] delta, int column, int intercept, double a) {

    /** Draws a transformation for the data (the covariate kind only when X has an intercept and another column). */
    public static AwkwardScale draw(ModelData d, Random r) {
        int p = d.p();
        double c = Math.pow(10, 12 * r.nextDouble() - 6) * (r.nextBoolean() ? 1 : -1);
        double shift = Math.pow(10, 10 * r.nextDouble());
        int intercept = interceptColumn(d);
        int column = p > 1 && intercept >= 0 && r.nextBoolean() ? (intercept + 1 + r.nextInt(p - 1)) % p : -1;
        if (column >= 0) {
            return new AwkwardScale(c, null, column, intercept, shift * spread(d, column) * (r.nextBoolean() ? 1 : -1));
        }
        double spread = spread(d, -1);
        double[] delta = new double[p];
        double norm = 0;
        for (int k = 0; k < p; k++) {
            delta[k] = r.nextGaussian();
            norm = Math.max(norm, Math.abs(delta[k]) * columnScale(d, k));
        }
        for (int k = 0; k < p; k++) {
            delta[k] *= norm > 0 ? shift * spread / norm : 0;
        }
        return new AwkwardScale(c, delta, -1, intercept, 0);
    }

    /** Whether this is y → c(y + Xδ) (else a covariate's transformation). */
    public boolean ofResponse() {
        return delta != null;
    }

    /** The transformed data. */
    public ModelData apply(ModelData d) {
        if (ofResponse()) {
            return ModelTransforms.scaleResponse(ModelTransforms.shiftResponse(d, delta), c);
        }
        return ModelTransforms.transformFixed(d, transform(d.p()));
    }

    /**
     * The transformed data mapped back to the original scale in exact arithmetic (34 decimal digits), rounded to
     * doubles once: y/c − Xδ, or x_j/c − a. This is the original data plus the error that storing the transformed
     * data as doubles put into it (up to an ulp of the shift, 2.2e-6 of the spread at 10¹⁰ spreads), so the
     * transformed model is exactly this model transformed, and the invariants hold to the arithmetic's precision
     * rather than to that rounding.
     */
    public ModelData mapBack(ModelData transformed) {
        int p = transformed.p();
        BigDecimal scale = new BigDecimal(c);
        return ModelTransforms.map(transformed, g -> {
            double[] x = g.x();
            double[] y = g.y();
            if (ofResponse()) {
                y = y.clone();
                for (int j = 0; j < y.length; j++) {
                    BigDecimal v = new BigDecimal(y[j]).divide(scale, MathContext.DECIMAL128);
                    for (int k = 0; k < p; k++) {
                        v = v.subtract(new BigDecimal(x[j * p + k]).multiply(new BigDecimal(delta[k])));
                    }
                    y[j] = v.doubleValue();
                }
            } else {
                x = x.clone();
                for (int j = 0; j < g.size(); j++) {
                    x[j * p + column] = new BigDecimal(x[j * p + column]).divide(scale, MathContext.DECIMAL128)
                            .subtract(new BigDecimal(a)).doubleValue();
                }
            }
            return new Group(g.id(), y, x, g.z(), g.occasion());
        });
    }

    /** A with X' = XA: column j becomes c(x_j + a·1). */
    private double[][] transform(int p) {
        double[][] t = new double[p][p];
        for (int k = 0; k < p; k++) {
            t[k][k] = 1;
        }
        t[column][column] = c;
        t[intercept][column] = c * a;
        return t;
    }

    /** What the criterion gains: 2N log|c| (N − p for REML) for y, 2 log|c| for REML's log det A for a covariate. */
    public double criterionShift(ModelData d, Method method) {
        boolean reml = method == Method.REML;
        if (ofResponse()) {
            return 2 * (reml ? d.observations() - d.p() : d.observations()) * Math.log(Math.abs(c));
        }
        return reml ? 2 * Math.log(Math.abs(c)) : 0;
    }

    /** The factor on Σ and Ω: c² for y, 1 for a covariate. */
    public double covarianceFactor() {
        return ofResponse() ? c * c : 1;
    }

    /** The transformed fit's β̂ mapped back to the original parametrisation. */
    public double[] betaBack(double[] transformed) {
        double[] back = transformed.clone();
        if (ofResponse()) {
            for (int k = 0; k < back.length; k++) {
                back[k] = back[k] / c - delta[k];
            }
        } else {
            // β' = A⁻¹β: β'_j = β_j / c, β'_0 = β_0 − aβ_j; so β_j = cβ'_j, β_0 = β'_0 + a·cβ'_j
            back[column] = c * transformed[column];
            back[intercept] = transformed[intercept] + a * back[column];
        }
        return back;
    }

    /** The floor on β̂'s error that rounding the shifted data to doubles imposes: a few ulps of the shift. */
    public double betaFloor(double[] transformed) {
        if (ofResponse()) {
            double floor = 0;
            for (double v : delta) {
                floor = Math.max(floor, 8 * Math.ulp(Math.abs(v)));
            }
            return floor;
        }
        return 8 * Math.ulp(Math.abs(a * c * transformed[column])) + 8 * Math.ulp(Math.abs(transformed[intercept]));
    }

    /**
     * The relative error that storing the transformed data as doubles puts into them: an ulp of the largest shifted
     * value over the spread of the values (y's for y → c(y + Xδ), x_j's for a covariate), 2.2e-6 at a shift of 10¹⁰
     * spreads. Σ̂ and Ω̂ cannot be determined more closely than a few times this.
     */
    public double roundingFloor(ModelData d) {
        if (ofResponse()) {
            int p = d.p();
            double largest = 0;
            for (Group g : d.groups()) {
                for (int j = 0; j < g.size(); j++) {
                    double s = g.y()[j];
                    for (int k = 0; k < p; k++) {
                        s += g.x()[j * p + k] * delta[k];
                    }
                    largest = Math.max(largest, Math.abs(s));
                }
            }
            return Math.ulp(largest) / spread(d, -1);
        }
        return Math.ulp(Math.abs(a) + columnScale(d, column)) / spread(d, column);
    }

    @Override
    public String toString() {
        return ofResponse() ? "y → c(y + Xδ), c = " + c + ", δ = " + java.util.Arrays.toString(delta)
                : "x_" + column + " → c(x + a), a = " + a + ", c = " + c;
    }

    /** The index of a column of X that is 1 on every row, or −1. */
    static int interceptColumn(ModelData d) {
        int p = d.p();
        for (int k = 0; k < p; k++) {
            boolean ones = true;
            for (Group g : d.groups()) {
                for (int j = 0; j < g.size() && ones; j++) {
                    ones = g.x()[j * p + k] == 1;
                }
            }
            if (ones) {
                return k;
            }
        }
        return -1;
    }

    /** The standard deviation of y (column −1) or of column k of X, 1 when it vanishes. */
    static double spread(ModelData d, int column) {
        double s = 0;
        double s2 = 0;
        int n = 0;
        int p = d.p();
        for (Group g : d.groups()) {
            for (int j = 0; j < g.size(); j++) {
                double v = column < 0 ? g.y()[j] : g.x()[j * p + column];
                s += v;
                s2 += v * v;
                n++;
            }
        }
        double var = n > 1 ? (s2 - s * s / n) / (n - 1) : 0;
        return var > 0 ? Math.sqrt(var) : 1;
    }

    /** max_j |x_jk| over the rows. */
    static double columnScale(ModelData d, int k) {
        double s = 0;
        int p = d.p();
        for (Group g : d.groups()) {
            for (int j = 0; j < g.size(); j++) {
                s = Math.max(s, Math.abs(g.x()[j * p + k]));
            }
        }
        return s;
    }
}
