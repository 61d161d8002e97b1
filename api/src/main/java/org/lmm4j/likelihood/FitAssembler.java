package org.lmm4j.likelihood;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmm4j.api.FitResult;
import org.lmm4j.api.FitStatus;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.api.OptimisationSummary;
import org.lmm4j.optimise.Boundary;
import org.lmm4j.model.DataMoments;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;

/**
 * Turns an estimator's {@link OptimisationSummary} into a {@link FitResult}: β̂ and its standard
 * errors, Σ̂ and Ω̂, BLUPs, −2 log L, AIC, BIC, the singular-fit check, the confounding warning and
 * the provenance. The one place where these are computed, whatever the estimator.
 */
public final class FitAssembler {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private FitAssembler() {
    }

    /** Assembles the result at the summary's θ. */
    public static FitResult assemble(ProfiledDeviance deviance, OptimisationSummary s) {
        MixedModel model = deviance.model();
        ModelData data = model.data();
        int n = data.observations();
        int p = data.p();
        int k = model.parameterCount();
        double[] theta = s.theta();
        List<String> warnings = new ArrayList<>(s.warnings());
        if (!deviance.isCrossed()) { // the one-group view of crossed terms is not their Z (see CrossedTerms)
            warnings.addAll(Diagnostics.confoundingWarnings(data));
        }

        CovarianceMatrices c = deviance.covariances(theta);
        Profile pr = deviance.profile(theta);
        FitStatus status = s.status();
        String reason = s.reason();
        if (!pr.admissible() && status != FitStatus.UNBOUNDED) {
            status = FitStatus.FAILED;
            reason = reason.isEmpty() ? "the final covariance parameters are not admissible" : reason;
        }
        double criterion = status == FitStatus.UNBOUNDED ? Double.NEGATIVE_INFINITY : deviance.criterion(pr);
        if (Double.isNaN(criterion) && status != FitStatus.FAILED) {
            status = FitStatus.FAILED;
            reason = "the deviance is not a number at the final point (overflow or underflow in the data's scale)";
        }
        double constant = model.method() == Method.REML ? (n - p) * LOG_2PI : n * LOG_2PI;
        double m2ll = criterion + constant;
        double[] beta = pr.admissible() ? pr.beta() : new double[p];
        double[][] cov = pr.admissible() ? pr.covBeta() : new double[p][p];
        double[] se = new double[p];
        for (int i = 0; i < p; i++) {
            se[i] = Math.sqrt(cov[i][i]);
        }
        // crossed terms on the blocked path: one group of all rows, whose BLUPs by group mean nothing; by term and level
        boolean byGroup = !deviance.isCrossed();
        List<double[][]> termEffects = new ArrayList<>();
        if (!byGroup && pr.admissible()) {
            double[][][] e = deviance.termEffects(theta);
            if (e != null) {
                termEffects.addAll(List.of(e));
            }
        }
        double[][] blups = data.q() > 0 && pr.admissible() && byGroup ? deviance.blups(theta, beta) : new double[0][];
        List<String> ids = new ArrayList<>();
        for (Group g : byGroup ? data.groups() : List.<Group>of()) {
            ids.add(g.id());
        }
        if (data.distributed() && blups.length > 0) {
            ids.addAll(deviance.groupIds());
        }
        boolean singular = Boundary.isSingular(c, data.q() > 0, s.settings().control());
        if (singular && status == FitStatus.CONVERGED) {
            warnings.add("boundary (singular) fit: a variance is at zero or a correlation at ±1");
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("lmm4j", Version.current());
        provenance.put("estimator", s.estimator());
        provenance.put("starts", String.valueOf(s.starts()));
        s.settings().asMap().forEach((key, value) -> provenance.put("settings." + key, String.valueOf(value)));
        provenance.put("method", model.method().name());
        provenance.put("residual", model.residual().name());
        provenance.put("randomEffects", model.randomEffects() == null ? "none" : model.randomEffects().name());
        provenance.put("data", data.distributed() ? "groups:" + data.summary().fingerprint() : fingerprint(data));
        return new FitResult(status, reason, model.method(), s.estimator(), criterion, m2ll, -m2ll / 2,
                m2ll + 2 * k, m2ll + k * Math.log(n), k, n, data.groupCount(), data.fixedNames(), beta, se, cov,
                data.occasionLabels(), c.sigma(), data.randomNames(), data.q() > 0 ? c.omega() : null, ids, blups,
                theta.clone(), singular, warnings, s, provenance, termEffects);
    }

    /**
     * A fingerprint of the model data: {@code groups:} and 16 hex digits, the sum over groups of a 64-bit hash of each
     * group's id, size, y, X, Z and occasions ({@link DataMoments#hash}, the splitmix64 finaliser of a multiply–xorshift
     * chain). Non-cryptographic; the sum does not depend on the groups' order, so it is summed on both cores and is
     * the same on every machine, and a fit on Spark reports the same string for the same data. (The bytes of a file
     * read by lmm4j-io have their own xxHash64, computed while reading.)
     */
    public static String fingerprint(ModelData data) {
        long[] sum = GroupReduce.reduce(data.groups(), data.observations(), () -> new long[1],
                (acc, g) -> acc[0] += DataMoments.hash(g), (a, b) -> {
                    a[0] += b[0];
                    return a;
                });
        return "groups:" + DataMoments.hex(sum[0]);
    }
}
