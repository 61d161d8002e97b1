package org.lmm4j.optimise;

import org.lmm4j.linalg.Matrices;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.MixedModel;
import org.lmm4j.linalg.Cholesky;
import org.lmm4j.likelihood.TermBlocks;
import java.util.ArrayList;
import java.util.List;

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
 *
 * <p>Ω of nested random terms ({@link TermBlocks}: blockdiag(I_{M_1} ⊗ Ω_1, …)) is parametrised term by term: each
 * Ω_k gets its own kind from its own structure (a free Ω_k = Λ_kΛ_k', a diagonal one squared variances, …), and Ω
 * is kept positive semi-definite by the coordinates when every term's is. A structure that is not a TermBlocks is one
 * term.
 */
public final class Coordinates {

    /** How θ_Ω (of one term) is parametrised. */
    enum Kind { IDENTITY, CHOLESKY, SQUARED }

    private final int nSigma;
    /** θ_Σk = φ_k² (Σ a sum of diagonal variances, with random effects); else θ_Σ = φ_Σ. */
    private final boolean squaredSigma;
    /** The parametrisation of each term of Ω (none without random effects). */
    private final List<Part> parts;

    private Coordinates(int nSigma, List<Part> parts, boolean squaredSigma) {
        this.squaredSigma = squaredSigma;
        this.nSigma = nSigma;
        this.parts = List.copyOf(parts);
    }

    /**
     * One term's coordinates: θ_Ω[offset, offset + n) of a d × d matrix Ω_k.
     *
     * @param basis       B_j = ∂Ω_k/∂θ_j for a linear structure (Ω_k = Σ θ_j B_j)
     * @param gramInverse inverse Gram matrix of the basis: coef(M) = G⁻¹(⟨B_l, M⟩)_l
     */
    private record Part(int offset, int n, int d, Kind kind, double[][][] basis, double[][] gramInverse) {
    }

    /** The coordinates for a model, chosen from the Ω structure at the start θ. */
    public static Coordinates of(MixedModel model, double[] thetaStart, boolean constrainPsd) {
        int nSigma = model.sigmaParameterCount();
        int nOmega = model.omegaParameterCount();
        int q = model.data().q();
        boolean squaredSigma = q > 0 && nSigma > 0 && diagonalVariances(model.residual(),
                java.util.Arrays.copyOfRange(thetaStart, 0, nSigma), model.data().occasions());
        List<Part> parts = new ArrayList<>();
        if (q > 0 && nOmega > 0) {
            TermBlocks terms = TermBlocks.of(model.randomEffects(), q);
            double[] omegaStart = java.util.Arrays.copyOfRange(thetaStart, nSigma, nSigma + nOmega);
            for (int k = 0; k < terms.blocks().size(); k++) {
                TermBlocks.Block b = terms.blocks().get(k);
                parts.add(part(b.structure(), terms.termTheta(omegaStart, k), b.dimension(), nSigma
                        + terms.thetaOffset(k), constrainPsd));
            }
        }
        return new Coordinates(nSigma, parts, squaredSigma);
    }

    /** The coordinates of one term of Ω with structure s, dimension d, start θ_k at θ index {@code offset}. */
    private static Part part(CovarianceStructure s, double[] theta0, int d, int offset, boolean constrainPsd) {
        int n = theta0.length;
        if (!constrainPsd || !s.isLinear()) {
            return new Part(offset, n, d, Kind.IDENTITY, null, null);
        }
        double[][][] b = s.derivatives(theta0, d);
        if (!reproduces(s, b, theta0, d) || !reproduces(s, b, scaled(theta0, 2.5), d)) {
            return new Part(offset, n, d, Kind.IDENTITY, null, null);
        }
        if (n == d * (d + 1) / 2) {
            double[][] gram = new double[n][n];
            for (int k = 0; k < n; k++) {
                for (int l = 0; l < n; l++) {
                    gram[k][l] = Matrices.frobenius(b[k], b[l]);
                }
            }
            double[][] inv = org.lmm4j.linalg.Matrices.inverseSpd(gram);
            if (inv != null) {
                return new Part(offset, n, d, Kind.CHOLESKY, b, inv);
            }
        }
        if (diagonalNonNegative(b, d)) {
            return new Part(offset, n, d, Kind.SQUARED, b, null);
        }
        return new Part(offset, n, d, Kind.IDENTITY, null, null);
    }

    /** True when S(θ) = Σ θ_k B_k with every B_k diagonal and non-negative (θ_k are variances). */
    private static boolean diagonalVariances(CovarianceStructure s, double[] theta0, int d) {
        if (s.isScalar() && theta0.length == 1) {
            return true; // σ²I: one variance, checked without building anything T×T over the occasions
        }
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

    /** The kind of the first term of Ω (IDENTITY without random effects). */
    Kind kind() {
        return parts.isEmpty() ? Kind.IDENTITY : parts.get(0).kind();
    }

    /** True when every φ gives a positive semi-definite Ω (no admissibility check on Ω needed). */
    public boolean omegaAlwaysPsd() {
        if (parts.isEmpty()) {
            return false;
        }
        for (Part p : parts) {
            if (p.kind() == Kind.IDENTITY) {
                return false;
            }
        }
        return true;
    }

    private boolean identity() {
        for (Part p : parts) {
            if (p.kind() != Kind.IDENTITY) {
                return false;
            }
        }
        return !squaredSigma;
    }

    /** θ(φ). */
    public double[] theta(double[] phi) {
        double[] theta = phi.clone();
        if (squaredSigma) {
            for (int k = 0; k < nSigma; k++) {
                theta[k] = phi[k] * phi[k];
            }
        }
        for (Part p : parts) {
            if (p.kind() == Kind.SQUARED) {
                for (int k = p.offset(); k < p.offset() + p.n(); k++) {
                    theta[k] = phi[k] * phi[k];
                }
            } else if (p.kind() == Kind.CHOLESKY) {
                int q = p.d();
                double[][] lam = lambda(p, phi);
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
                System.arraycopy(coefficients(p, omega), 0, theta, p.offset(), p.n());
            }
        }
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
        for (Part p : parts) {
            if (p.kind() == Kind.SQUARED) {
                for (int k = p.offset(); k < p.offset() + p.n(); k++) {
                    phi[k] = Math.sqrt(Math.max(theta[k], 0));
                }
            } else if (p.kind() == Kind.CHOLESKY) {
                cholesky(p, theta, phi);
            }
        }
        return phi;
    }

    /** φ of a Cholesky term: the lower triangle of the factor of Ω_k(θ) (with a tiny ridge when it is singular). */
    private static void cholesky(Part p, double[] theta, double[] phi) {
        int q = p.d();
        double[][] omega = new double[q][q];
        for (int k = 0; k < p.n(); k++) {
            double t = theta[p.offset() + k];
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    omega[a][c] += t * p.basis()[k][a][c];
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
        int idx = p.offset();
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                phi[idx++] = l[a * q + c];
            }
        }
    }

    /** ∇_φ = J'∇_θ. */
    public double[] gradient(double[] phi, double[] gTheta) {
        if (identity()) {
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
        if (identity()) {
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
        for (Part p : parts) {
            if (p.kind() == Kind.SQUARED) {
                for (int k = p.offset(); k < p.offset() + p.n(); k++) {
                    out[k][k] += 2 * gTheta[k];
                }
            } else if (p.kind() == Kind.CHOLESKY) {
                addCholeskyCurvature(p, gTheta, out);
            }
        }
        return out;
    }

    /**
     * ∂²Ω/∂Λ_ij∂Λ_kl = δ_jl (e_ie_k' + e_ke_i'); Σ_m g_m ∂²θ_m = ⟨G, e_ie_k' + e_ke_i'⟩ with G = Σ_l (G⁻¹g)_l B_l,
     * for one Cholesky term.
     */
    private static void addCholeskyCurvature(Part p, double[] gTheta, double[][] out) {
        int q = p.d();
        int nOmega = p.n();
        int o = p.offset();
        double[][] g = new double[q][q];
        for (int l = 0; l < nOmega; l++) {
            double w = 0;
            for (int k = 0; k < nOmega; k++) {
                w += p.gramInverse()[l][k] * gTheta[o + k];
            }
            for (int a = 0; a < q; a++) {
                for (int c = 0; c < q; c++) {
                    g[a][c] += w * p.basis()[l][a][c];
                }
            }
        }
        for (int i = 0; i < q; i++) {
            for (int jj = 0; jj <= i; jj++) {
                for (int k = jj; k < q; k++) {
                    out[o + index(i, jj)][o + index(k, jj)] += g[i][k] + g[k][i];
                }
            }
        }
    }

    /** J = ∂θ/∂φ (n×n). */
    double[][] jacobian(double[] phi) {
        int n = phi.length;
        double[][] j = new double[n][n];
        for (int k = 0; k < n; k++) {
            j[k][k] = 1;
        }
        for (int k = 0; k < nSigma; k++) {
            j[k][k] = squaredSigma ? 2 * phi[k] : 1;
        }
        for (Part p : parts) {
            if (p.kind() == Kind.SQUARED) {
                for (int k = p.offset(); k < p.offset() + p.n(); k++) {
                    j[k][k] = 2 * phi[k];
                }
            } else if (p.kind() == Kind.CHOLESKY) {
                choleskyJacobian(p, phi, j);
            }
        }
        return j;
    }

    /** ∂θ_k/∂Λ_ij of one Cholesky term: the coefficients of ∂Ω/∂Λ_ij = e_i Λ_{·j}' + Λ_{·j} e_i'. */
    private static void choleskyJacobian(Part p, double[] phi, double[][] j) {
        int q = p.d();
        int o = p.offset();
        double[][] lam = lambda(p, phi);
        for (int i = 0; i < q; i++) {
            for (int jj = 0; jj <= i; jj++) {
                double[][] d = new double[q][q];
                for (int a = 0; a < q; a++) {
                    d[i][a] += lam[a][jj];
                    d[a][i] += lam[a][jj];
                }
                double[] coef = coefficients(p, d);
                int col = o + index(i, jj);
                for (int k = 0; k < p.n(); k++) {
                    j[o + k][col] = coef[k];
                }
            }
        }
    }

    /** A short description for the provenance. */
    public String describe() {
        List<String> terms = new ArrayList<>();
        for (Part p : parts) {
            terms.add(switch (p.kind()) {
                case IDENTITY -> "theta";
                case CHOLESKY -> "cholesky(omega)";
                case SQUARED -> "squared(omega variances)";
            });
        }
        String omega = terms.isEmpty() ? "theta" : terms.size() == 1 ? terms.get(0)
                : "per term [" + String.join(", ", terms) + "]";
        return squaredSigma ? "squared(sigma variances), " + omega : omega;
    }

    private static int index(int i, int j) {
        return i * (i + 1) / 2 + j;
    }

    private static double[][] lambda(Part p, double[] phi) {
        int q = p.d();
        double[][] lam = new double[q][q];
        int idx = p.offset();
        for (int a = 0; a < q; a++) {
            for (int c = 0; c <= a; c++) {
                lam[a][c] = phi[idx++];
            }
        }
        return lam;
    }

    private static double[] coefficients(Part p, double[][] m) {
        int nOmega = p.n();
        double[] rhs = new double[nOmega];
        for (int l = 0; l < nOmega; l++) {
            rhs[l] = Matrices.frobenius(p.basis()[l], m);
        }
        double[] out = new double[nOmega];
        for (int k = 0; k < nOmega; k++) {
            double s = 0;
            for (int l = 0; l < nOmega; l++) {
                s += p.gramInverse()[k][l] * rhs[l];
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
