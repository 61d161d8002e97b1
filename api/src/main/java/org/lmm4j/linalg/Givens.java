package org.lmm4j.linalg;

/**
 * Least squares by Givens rotations, row by row: the upper-triangular R of a QR factorisation is updated one row at
 * a time (Golub &amp; Van Loan §5.1.8), so no cross-products of the columns are ever formed and the rows need not be
 * held. With the response appended as the last column, R's last diagonal entry is ±√RSS.
 */
public final class Givens {

    private Givens() {
    }

    /** Rotates the row w into the upper-triangular R (cols×cols, row-major) with Givens rotations; w is destroyed. */
    public static void rotateIn(double[] r, double[] w, int cols) {
        for (int k = 0; k < cols; k++) {
            double wk = w[k];
            if (wk == 0) {
                continue;
            }
            double rkk = r[k * cols + k];
            double h = Math.sqrt(rkk * rkk + wk * wk);
            if (!(h > 0) || Double.isInfinite(h)) {
                h = Math.hypot(rkk, wk);
            }
            double c = rkk / h;
            double s = wk / h;
            r[k * cols + k] = h;
            for (int j = k + 1; j < cols; j++) {
                double rkj = r[k * cols + j];
                double wj = w[j];
                r[k * cols + j] = c * rkj + s * wj;
                w[j] = c * wj - s * rkj;
            }
        }
    }

    /** Solves R b = v in place (R upper triangular p×p, row-major). */
    public static void backSubstitute(double[] r, int p, double[] v) {
        for (int a = p - 1; a >= 0; a--) {
            double s = v[a];
            for (int b = a + 1; b < p; b++) {
                s -= r[a * p + b] * v[b];
            }
            v[a] = s / r[a * p + a];
        }
    }
}
