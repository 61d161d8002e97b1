package org.lmm4j.optimise;

import org.lmm4j.linalg.Matrices;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Cholesky;

/**
 * The coordinates φ in which Newton's method runs, and the chain rule back to the model's θ = (θ_Σ, θ_Ω).
 * When Ω must stay positive semi-definite, θ_Ω is replaced by a parametrisation
 * in which every φ gives a positive semi-definite Ω, so that a random-effect variance can go to zero
 * (the boundary, a singular fit) without any constraint on the steps:
 * <ul>
 *   <li>{@link Kind#CHOLESKY}: Ω = ΛΛ' with Λ lower triangular, φ_Ω = the entries of Λ (the lme4
 *       parametrisation), for a linear structure that can represent every symmetric matrix (unstructured Ω);</li>
 *   <li>{@link Kind#SQUARED}: θ_k = φ_k², for a linear structure whose basis matrices are diagonal and
 *       non-negative (diagonal or scalar Ω: θ_k are variances);</li>
 *   <li>{@link Kind#IDENTITY}: φ = θ, otherwise (and always when Ω need only keep every V_i positive definite).</li>
 * </ul>
 * θ_Σ is used as it is, except when the model has random effects and Σ's structure is a sum of variances on
 * the diagonal (scalar, diagonal: linear with diagonal non-negative basis matrices): then θ_Σk = φ_k² as well.
 * With random effects the likelihood needs only every V_i = Z_iΩZ_i' + Σ_i positive definite, so the minimum
 * may have a residual variance at zero (a boundary fit); squaring lets Newton approach that edge at its
 * quadratic rate instead of being cut by step-halving, and keeps Σ positive semi-definite by construction.
 * Without random effects a Σ variance at zero makes the likelihood unbounded, and θ_Σ stays as it is.
 * With θ = θ(φ): ∇_φ = J'∇_θ and ∇²_φ = J'∇²_θJ + Σ_k (∂crit/∂θ_k) ∂²θ_k/∂φ∂φ'.
 */
public final class Coordinates {

    /** How θ_Ω is parametrised. */
    enum Kind { IDENTITY, CHOLESKY, SQUARED }

    private final int nSigma;
    private final int nOmega;
    private final int q;
    private final Kind kind;
    /** θ_Σk = φ_k² (Σ a sum of diagonal variances, with random effects); else θ_Σ = φ_Σ. */
    private final boolean squaredSigma;
    /** B_k = ∂Ω/∂θ_k for a linear Ω structure (Ω = Σ θ_k B_k). */
    private final double[][][] basis;
    /** Inverse Gram matrix of the basis: coef(M) = G⁻¹(⟨B_l, M⟩)_l. */
    private final double[][] gramInverse;

    private Coordinates(int nSigma, int nOmega, int q, Kind kind, double[][][] basis, double[][] gramInverse,
                        boolean squaredSigma) {
        this.squaredSigma = squaredSigma;
        this.nSigma = nSigma;
        this.nOmega = nOmega;
        this.q = q;
        this.kind = kind;
        this.basis = basis;
        this.gramInverse = gramInverse;
    }

    /** The coordinates for a model, chosen from the Ω structure at the start θ. */
    public static Coordinates of(MixedModel model, double[] thetaStart, boolean constrainPsd) {
        int nSigma = model.sigmaParameterCount();
        int nOmega = model.omegaParameterCount();
        int q = model.data().q();
        boolean squaredSigma = q > 0 && nSigma > 0 && diagonalVariances(model.residual(),
                java.util.Arrays.copyOfRange(thetaStart, 0, nSigma), model.data().occasions());
        if (!constrainPsd || q == 0 || nOmega == 0) {
            return new Coordinates(nSigma, nOmega, q, Kind.IDENTITY, null, null, squaredSigma);
        }
        CovarianceStructure s = model.randomEffects();
        double[] theta0 = java.util.Arrays.copyOfRange(thetaStart, nSigma, nSigma + nOmega);
        if (!s.isLinear()) {
            return new Coordinates(nSigma, nOmega, q, Kind.IDENTITY, null, null, squaredSigma);
        }
        double[][][] b = s.derivatives(theta0, q);
        if (!reproduces(s, b, theta0, q) || !reproduces(s, b, scaled(theta0, 2.5), q)) {
            return new Coordinates(nSigma, nOmega, q, Kind.IDENTITY, null, null, squaredSigma);
        }
        if (nOmega == q * (q + 1) / 2) {
            double[][] gram = new double[nOmega][nOmega];
            for (int k = 0; k < nOmega; k++) {
                for (int l = 0; l < nOmega; l++) {
                    gram[k][l] = Matrices.frobenius(b[k], b[l]);
                }
            }
            double[][] inv = org.lmm4j.linalg.Matrices.inverseSpd(gram);
            if (inv != null) {
                return new Coordinates(nSigma, nOmega, q, Kind.CHOLESKY, b, inv, squaredSigma);
            }
        }
        if (diagonalNonNegative(b, q)) {
            return new Coordinates(nSigma, nOmega, q, Kind.SQUARED, b, null, squaredSigma);
        }
        return new Coordinates(nSigma, nOmega, q, Kind.IDENTITY, null, null, squaredSigma);
    }

    /** True when S(θ) = Σ θ_k B_k with every B_k diagonal and non-negative (θ_k are variances). */
    private static boolean diagonalVariances(CovarianceStructure s, double[] theta0, int d) {
        if (!s.isLinear() || theta0.length == 0) {
            return false;
        }
        double[][][] b = s.derivatives(theta0, d);
        return reproduces(s, b, theta0, d) && reproduces(s, b, scaled(theta0, 2.5), d) && diagonalNonNegative(b, d);
    }

    private static boolean diagonalNonNegative(double[][][] b, int d) {
        for (double[][] bk : b) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    if (i != j ? bk[i][j] != 0 : bk[i][i] < 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** True when the Σ variances are squared coordinates (a variance can reach zero with every V_i positive definite). */
    public boolean sigmaSquared() {
        return squaredSigma;
    }

    Kind kind() {
        return kind;
    }

    /** True when every φ gives a positive semi-definite Ω (no admissibility check on Ω needed). */
    public boolean omegaAlwaysPsd() {
        return kind != Kind.IDENTITY;
    }

    /** θ(φ). */
    public double[] theta(double[] phi) {
        double[] theta = phi.clone();
        if (squaredSigma) {
            for (int k = 0; k < nSigma; k++) {
                theta[k] = phi[k] * phi[k];
            }
        }
        if (kind == Kind.IDENTITY) {
            return theta;
        }
        if (kind == Kind.SQUARED) {
            for (int k = 0; k < nOmega; k++) {
                double f = phi[nSigma + k];
                theta[nSigma + k] = f * f;
            }
            return theta;
        }
        double[][] lam = lambda(phi);
        double[][] omega = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                double s = 0;
                for (int e = 0; e <= c; e++) {
                    s += lam[a][e] * lam[c][e];
                }
                omega[a][c] = s;
                omega[c][a] = s;
            }
        }
        double[] coef = coefficients(omega);
        System.arraycopy(coef, 0, theta, nSigma, nOmega);
        return theta;
    }

    /** A φ with θ(φ) = θ (θ_Ω must give a positive semi-definite Ω; a tiny ridge is added if it is singular). */
    public double[] phi(double[] theta) {
        double[] phi = theta.clone();
        if (squaredSigma) {
            for (int k = 0; k < nSigma; k++) {
                phi[k] = Math.sqrt(Math.max(theta[k], 0));
            }
        }
        if (kind == Kind.IDENTITY) {
            return phi;
        }
        if (kind == Kind.SQUARED) {
            for (int k = 0; k < nOmega; k++) {
                phi[nSigma + k] = Math.sqrt(Math.max(theta[nSigma + k], 0));
            }
            return phi;
        }
        double[][] omega = new double[q][q];
        for (int k = 0; k < nOmega; k++) {
            double t = theta[nSigma + k];
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    omega[a][c] += t * basis[k][a][c];
                }
            }
        }
        double[] l = org.lmm4j.linalg.Matrices.flatten(omega);
        double ridge = 0;
        double scale = 0;
        for (int a = 0; a < q; a++) {
            scale = Math.max(scale, Math.abs(omega[a][a]));
        }
        while (!Cholesky.factor(l, q)) {
            ridge = ridge == 0 ? 1e-12 * Math.max(scale, 1e-300) : ridge * 10;
            l = org.lmm4j.linalg.Matrices.flatten(omega);
            for (int a = 0; a < q; a++) {
                l[a * q + a] += ridge;
            }
        }
        int idx = nSigma;
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                phi[idx++] = l[a * q + c];
            }
        }
        return phi;
    }

    /** ∇_φ = J'∇_θ. */
    public double[] gradient(double[] phi, double[] gTheta) {
        if (kind == Kind.IDENTITY && !squaredSigma) {
            return gTheta.clone();
        }
        double[][] j = jacobian(phi);
        int n = phi.length;
        double[] out = new double[n];
        for (int a = 0; a < n; a++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += j[k][a] * gTheta[k];
            }
            out[a] = s;
        }
        return out;
    }

    /** ∇²_φ = J'∇²_θJ + Σ_k g_k ∂²θ_k/∂φ∂φ'. */
    public double[][] hessian(double[] phi, double[] gTheta, double[][] hTheta) {
        if (kind == Kind.IDENTITY && !squaredSigma) {
            return org.lmm4j.linalg.Matrices.copy(hTheta);
        }
        int n = phi.length;
        double[][] j = jacobian(phi);
        double[][] hj = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int b = 0; b < n; b++) {
                double s = 0;
                for (int l = 0; l < n; l++) {
                    s += hTheta[k][l] * j[l][b];
                }
                hj[k][b] = s;
            }
        }
        double[][] out = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += j[k][a] * hj[k][b];
                }
                out[a][b] = s;
            }
        }
        if (squaredSigma) {
            for (int k = 0; k < nSigma; k++) {
                out[k][k] += 2 * gTheta[k];
            }
        }
        if (kind == Kind.SQUARED) {
            for (int k = 0; k < nOmega; k++) {
                out[nSigma + k][nSigma + k] += 2 * gTheta[nSigma + k];
            }
        } else if (kind == Kind.CHOLESKY) {
            // ∂²Ω/∂Λ_ij∂Λ_kl = δ_jl (e_ie_k' + e_ke_i'); Σ_m g_m ∂²θ_m = ⟨G, e_ie_k' + e_ke_i'⟩ with G = Σ_l (G⁻¹g)_l B_l
            double[] gOmega = java.util.Arrays.copyOfRange(gTheta, nSigma, nSigma + nOmega);
            double[][] g = new double[q][q];
            for (int l = 0; l < nOmega; l++) {
                double w = 0;
                for (int k = 0; k < nOmega; k++) {
                    w += gramInverse[l][k] * gOmega[k];
                }
                for (int a = 0; a < q; a++) {
                    for (int c = 0; c < q; c++) {
                        g[a][c] += w * basis[l][a][c];
                    }
                }
            }
            for (int i = 0; i < q; i++) {
                for (int jj = 0; jj <= i; jj++) {
                    for (int k = 0; k < q; k++) {
                        for (int l = 0; l <= k; l++) {
                            if (jj == l) {
                                out[nSigma + index(i, jj)][nSigma + index(k, l)] += g[i][k] + g[k][i];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** J = ∂θ/∂φ (n×n). */
    double[][] jacobian(double[] phi) {
        int n = phi.length;
        double[][] j = new double[n][n];
        for (int k = 0; k < nSigma; k++) {
            j[k][k] = squaredSigma ? 2 * phi[k] : 1;
        }
        if (kind == Kind.SQUARED) {
            for (int k = 0; k < nOmega; k++) {
                j[nSigma + k][nSigma + k] = 2 * phi[nSigma + k];
            }
        } else if (kind == Kind.CHOLESKY) {
            double[][] lam = lambda(phi);
            for (int i = 0; i < q; i++) {
                for (int jj = 0; jj <= i; jj++) {
                    // ∂Ω/∂Λ_ij = e_i Λ_{·j}' + Λ_{·j} e_i'
                    double[][] d = new double[q][q];
                    for (int a = 0; a < q; a++) {
                        d[i][a] += lam[a][jj];
                        d[a][i] += lam[a][jj];
                    }
                    double[] coef = coefficients(d);
                    int col = nSigma + index(i, jj);
                    for (int k = 0; k < nOmega; k++) {
                        j[nSigma + k][col] = coef[k];
                    }
                }
            }
        } else {
            for (int k = nSigma; k < n; k++) {
                j[k][k] = 1;
            }
        }
        return j;
    }

    /** A short description for the provenance. */
    public String describe() {
        String omega = switch (kind) {
            case IDENTITY -> "theta";
            case CHOLESKY -> "cholesky(omega)";
            case SQUARED -> "squared(omega variances)";
        };
        return squaredSigma ? "squared(sigma variances), " + omega : omega;
    }

    private static int index(int i, int j) {
        return i * (i + 1) / 2 + j;
    }

    private double[][] lambda(double[] phi) {
        double[][] lam = new double[q][q];
        int idx = nSigma;
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                lam[a][c] = phi[idx++];
            }
        }
        return lam;
    }

    private double[] coefficients(double[][] m) {
        double[] rhs = new double[nOmega];
        for (int l = 0; l < nOmega; l++) {
            rhs[l] = Matrices.frobenius(basis[l], m);
        }
        double[] out = new double[nOmega];
        for (int k = 0; k < nOmega; k++) {
            double s = 0;
            for (int l = 0; l < nOmega; l++) {
                s += gramInverse[k][l] * rhs[l];
            }
            out[k] = s;
        }
        return out;
    }

    private static boolean reproduces(CovarianceStructure s, double[][][] b, double[] theta, int q) {
        double[][] m = s.matrix(theta, q);
        double scale = 0;
        double err = 0;
        for (int a = 0; a < q; a++) {
            for (int c = 0; c < q; c++) {
                double lin = 0;
                for (int k = 0; k < theta.length; k++) {
                    lin += theta[k] * b[k][a][c];
                }
                scale = Math.max(scale, Math.abs(m[a][c]));
                err = Math.max(err, Math.abs(m[a][c] - lin));
            }
        }
        return err <= 1e-10 * Math.max(scale, 1e-300);
    }

    private static double[] scaled(double[] theta, double f) {
        double[] out = theta.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] = out[k] * f + 0.1 * (k + 1);
        }
        return out;
    }

}
