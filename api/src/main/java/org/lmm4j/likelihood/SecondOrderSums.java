package org.lmm4j.likelihood;

/**
 * The group sums that both second-order objects of the criterion are made of (Lindstrom &amp; Bates, JASA
 * 1988), whichever {@link CriterionPath} summed them. With P_i = V_i⁻¹, u_i = P_ir_i, dV_k = ∂V_i/∂θ_k and
 * A = Σ_i X_i'P_iX_i:
 * <pre>
 *   T1_kl = Σ_i tr(P dV_k P dV_l),        T2_kl = Σ_i u'dV_k P dV_l u,      J_kl = Σ_i tr(A⁻¹X'P dV_k P dV_l P X),
 *   b_k   = Σ_i X_i'P_i dV_k u_i,          C_k   = Σ_i X_i'P_i dV_k P_iX_i.
 * </pre>
 * The Hessian (without the structures' second-derivative terms, added by
 * {@link ProfiledDeviance#addSecondDerivativeTerms}) is
 * H_kl = −T1 + 2T2 − 2b_k'A⁻¹b_l, for REML + 2J − tr(A⁻¹C_kA⁻¹C_l) (the last the second derivative of
 * log det A); the expected information, the metric of Fisher scoring, is I_kl = T1_kl, for REML
 * − tr(A⁻¹C_kA⁻¹C_l). Each formula is written here once.
 *
 * <p>Also carried: the worst conditioning min 1/((V_i⁻¹)_jj(V_i)_jj) over groups and rows (→ 0 as a V_i
 * degenerates, 0 when one is not positive definite) and the index of the group attaining it.
 */
public final class SecondOrderSums implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    final int n;
    final int p;
    final boolean reml;
    final double[] t1;
    final double[] t2;
    final double[] j;
    final double[] b;
    final double[] c;
    double worst = 1;
    int worstIndex = -1;
    boolean positiveDefinite = true;

    /**
     * @param n  the length of θ, {@code p} the number of fixed effects
     * @param reml  REML's sums J and C_k are taken
     * @param covariance  C_k is taken without REML (the derivatives of A⁻¹ of an ML fit)
     */
    SecondOrderSums(int n, int p, boolean reml, boolean covariance) {
        this.n = n;
        this.p = p;
        this.reml = reml;
        this.t1 = new double[n * n];
        this.t2 = new double[n * n];
        this.b = new double[n * p];
        this.j = reml ? new double[n * n] : null;
        this.c = reml || covariance ? new double[n * p * p] : null;
    }

    /** The sums at a point, empty: what {@code pt} asks for. */
    SecondOrderSums(CriterionPath.Point pt) {
        this(pt.dSigma().length + pt.dOmega().length, pt.p(), pt.reml(), pt.covariance());
    }

    /** Whether the sums C_k were taken ({@link #inverseDerivatives} needs them). */
    boolean hasCovarianceTerms() {
        return c != null;
    }

    /** Records group {@code index}'s conditioning (strictly smaller wins, so the first group attaining it is kept). */
    void condition(double value, int index) {
        if (worstIndex < 0 || value < worst) {
            worst = value;
            worstIndex = index;
        }
    }

    /** Group {@code index} has no positive definite V_i. */
    void notPositiveDefinite(int index) {
        positiveDefinite = false;
        condition(0, index);
    }

    /** Adds {@code o} (the sums of later groups, group indices in the same numbering) into this. */
    public SecondOrderSums merge(SecondOrderSums o) {
        add(t1, o.t1);
        add(t2, o.t2);
        add(b, o.b);
        if (j != null) {
            add(j, o.j);
        }
        if (c != null) {
            add(c, o.c);
        }
        positiveDefinite &= o.positiveDefinite;
        if (o.worstIndex >= 0) {
            condition(o.worst, o.worstIndex);
        }
        return this;
    }

    /** The same sums with the worst group's index counted from {@code first} (sums over a part of the groups). */
    public SecondOrderSums numberedFrom(int first) {
        if (worstIndex >= 0) {
            worstIndex += first;
        }
        return this;
    }

    private static void add(double[] into, double[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** H without the structures' second-derivative terms (only the upper triangles of T1, T2, J are read). */
    double[][] hessian(double[] aInv) {
        return hessian(aInv, reml);
    }

    /**
     * H of the ML criterion ({@code remlTerms} false) or the REML one; REML's terms need sums taken for REML (the
     * ML Hessian may come from them too, when C_k was wanted for another purpose).
     */
    double[][] hessian(double[] aInv, boolean remlTerms) {
        if (remlTerms && !reml) {
            throw new IllegalStateException("REML's Hessian needs the sums J and C_k");
        }
        double[][] h = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int l = k; l < n; l++) {
                double bab = 0;
                for (int a = 0; a < p; a++) {
                    double s = 0;
                    for (int e = 0; e < p; e++) {
                        s += aInv[a * p + e] * b[l * p + e];
                    }
                    bab += b[k * p + a] * s;
                }
                int kl = k * n + l;
                double v = -t1[kl] + 2 * t2[kl] - 2 * bab;
                if (remlTerms) {
                    v += 2 * j[kl] - traceProduct(aInv, k, l);
                }
                h[k][l] = v;
                h[l][k] = v;
            }
        }
        return h;
    }

    /** The expected information I(θ), n×n row-major; null when some V_i is not positive definite. */
    double[] information(double[] aInv) {
        if (!positiveDefinite) {
            return null;
        }
        double[] info = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int l = k; l < n; l++) {
                double v = t1[k * n + l] - (reml ? traceProduct(aInv, k, l) : 0);
                info[k * n + l] = v;
                info[l * n + k] = v;
            }
        }
        return info;
    }

    /** ∂A⁻¹/∂θ_k = A⁻¹C_kA⁻¹ (∂A/∂θ_k = −C_k), k = 0..n−1, each p×p; needs the sums C_k. */
    double[][][] inverseDerivatives(double[] aInv) {
        if (c == null) {
            throw new IllegalStateException("the derivatives of A⁻¹ need the sums C_k");
        }
        int pp = p * p;
        double[][][] out = new double[n][p][p];
        double[] half = new double[pp];
        for (int k = 0; k < n; k++) {
            for (int a = 0; a < p; a++) {
                for (int e = 0; e < p; e++) {
                    double s = 0;
                    for (int f = 0; f < p; f++) {
                        s += aInv[a * p + f] * c[k * pp + f * p + e];
                    }
                    half[a * p + e] = s;
                }
            }
            for (int a = 0; a < p; a++) {
                for (int e = 0; e < p; e++) {
                    double s = 0;
                    for (int f = 0; f < p; f++) {
                        s += half[a * p + f] * aInv[f * p + e];
                    }
                    out[k][a][e] = s;
                }
            }
        }
        return out;
    }

    /** tr(A⁻¹C_kA⁻¹C_l). */
    private double traceProduct(double[] ai, int k, int l) {
        int pp = p * p;
        double s = 0;
        for (int a = 0; a < p; a++) {
            for (int e = 0; e < p; e++) {
                double left = 0;
                double right = 0;
                for (int f = 0; f < p; f++) {
                    left += ai[a * p + f] * c[k * pp + f * p + e];
                    right += ai[e * p + f] * c[l * pp + f * p + a];
                }
                s += left * right;
            }
        }
        return s;
    }
}
