package org.lmm4j.model;

/**
 * The data of one group (subject) i: response y_i (length m_i), fixed-effects design X_i (m_i × p,
 * row-major), random-effects design Z_i (m_i × q, row-major; empty when q = 0) and the occasion
 * index t_i (which of the T occasions each row was observed at, docs/DESIGN.md §1).
 *
 * <p>Arrays are owned by the record and must not be modified after construction.
 */
public record Group(String id, double[] y, double[] x, double[] z, int[] occasion) implements java.io.Serializable {

    public Group {
        int m = y.length;
        if (occasion.length != m) {
            throw new IllegalArgumentException("occasion index length " + occasion.length + " != " + m);
        }
        if (m > 0 && (x.length % m != 0 || z.length % m != 0)) {
            throw new IllegalArgumentException("design sizes do not match the number of rows in group " + id);
        }
    }

    /** Number of observations m_i. */
    public int size() {
        return y.length;
    }

    /** X_i[row, col]. */
    public double x(int row, int col, int p) {
        return x[row * p + col];
    }

    /** Z_i[row, col]. */
    public double z(int row, int col, int q) {
        return z[row * q + col];
    }

    /**
     * The residual r_i = y_i − X_iβ, each entry as if computed in twice the working precision and rounded once
     * (Ogita, Rump and Oishi's Dot2: products split exactly by fma, sums by TwoSum). With y shifted by 10¹⁰ times
     * its spread the plain sum would lose ten digits of r to the cancellation (docs/DESIGN.md §4); this one keeps
     * r to its own rounding.
     */
    public double[] residual(double[] beta) {
        int m = y.length;
        int p = beta.length;
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            double s = y[j];
            double e = 0;
            for (int c = 0; c < p; c++) {
                double h = x[j * p + c] * beta[c];
                double hErr = Math.fma(x[j * p + c], beta[c], -h);
                double t = s - h;
                double bv = t - s;
                e += ((s - (t - bv)) + (-h - bv)) - hErr;
                s = t;
            }
            r[j] = s + e;
        }
        return r;
    }
}
