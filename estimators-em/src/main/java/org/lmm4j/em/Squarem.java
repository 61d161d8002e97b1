package org.lmm4j.em;

/**
 * One cycle of SQUAREM (Varadhan &amp; Roland 2008, scheme S3) on the EM map F, with a monotonicity
 * safeguard. From θ₀ with θ₁ = F(θ₀), θ₂ = F(θ₁), r = θ₁ − θ₀ and v = θ₂ − θ₁ − r, the step length is
 * α = −‖r‖/‖v‖ (at most −1) and the extrapolated point θ' = θ₀ − 2αr + α²v. When θ' is not admissible
 * (Σ not positive definite, Ω not positive semi-definite, some V_i not positive definite) or its criterion is
 * above that of θ₀, α is moved half-way towards −1, where θ' = θ₂ is the plain double EM step. The cycle
 * ends with the stabilising EM step F(θ'), so the criterion never rises over a cycle.
 */
final class Squarem {

    /** Number of halvings of α − (−1) before falling back to the plain EM step. */
    private static final int MAX_BACKTRACK = 10;

    private Squarem() {
    }

    /**
     * The result of one cycle.
     *
     * @param point the new point (criterion ≤ that of the start)
     * @param alpha the step length used (−1: the plain EM step)
     */
    record Cycle(EmMap.Point point, double alpha) {
    }

    /** One SQUAREM cycle from p0; null only when the plain EM step itself fails. */
    static Cycle cycle(EmMap map, EmMap.Point p0) {
        double[] t0 = p0.theta();
        double[] t1 = p0.image();
        EmMap.Point p1 = map.at(t1);
        if (p1 == null) {
            return null;
        }
        if (p1.sigmaUnbounded()) {
            return new Cycle(p1, -1);
        }
        double[] t2 = p1.image();
        int k = t0.length;
        double[] r = new double[k];
        double[] v = new double[k];
        double rr = 0;
        double vv = 0;
        for (int j = 0; j < k; j++) {
            r[j] = t1[j] - t0[j];
            v[j] = t2[j] - t1[j] - r[j];
            rr += r[j] * r[j];
            vv += v[j] * v[j];
        }
        double alpha = vv > 0 ? -Math.sqrt(rr / vv) : -1;
        alpha = Math.min(alpha, -1);
        double slack = 1e-12 * Math.max(1, Math.abs(p0.criterion()));
        EmMap.Point pe = null;
        for (int attempt = 0; attempt <= MAX_BACKTRACK && alpha < -1; attempt++) {
            double[] te = new double[k];
            for (int j = 0; j < k; j++) {
                te[j] = t0[j] - 2 * alpha * r[j] + alpha * alpha * v[j];
            }
            if (map.deviance().isAdmissible(te, true)) {
                EmMap.Point candidate = map.at(te);
                if (candidate != null && candidate.criterion() <= p0.criterion() + slack) {
                    pe = candidate;
                    break;
                }
            }
            alpha = (alpha - 1) / 2;
            if (alpha > -1 - 1e-3) {
                alpha = -1;
            }
        }
        if (pe == null) {
            alpha = -1;
            pe = map.at(t2);
            if (pe == null) {
                return new Cycle(p1, -1);
            }
        }
        EmMap.Point stabilised = map.at(pe.image());
        if (stabilised == null || stabilised.criterion() > pe.criterion()) {
            return new Cycle(pe, alpha);
        }
        return new Cycle(stabilised, alpha);
    }
}
