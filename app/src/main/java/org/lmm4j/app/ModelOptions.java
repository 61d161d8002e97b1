package org.lmm4j.app;

import java.nio.file.Path;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.InputException;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.io.CsvOptions;
import org.lmm4j.io.CsvTableReader;
import org.lmm4j.data.DataTable;
import picocli.CommandLine.Option;

/**
 * The model options shared by {@code fit} and {@code compare} (a picocli mixin): the data, the
 * formula, Σ's structure and occasions, the grouping, ML or REML, the estimator, the output format
 * and the iteration controls.
 */
public final class ModelOptions {

    /** The formula used with the bundled dental data when none is given: the paper's mixed gender model. */
    public static final String DENTAL_FORMULA = "distance ~ Sex*age + (age | Subject)";

    @Option(names = "--data", paramLabel = "FILE",
            description = "Long-format CSV file with a header row (NA or empty cells are missing). "
                    + "'dental', or no --data at all, means the bundled Potthoff-Roy dental data "
                    + "(columns distance, age, Subject, Sex).")
    String data;

    @Option(names = "--sep", paramLabel = "CHAR",
            description = "Field separator of --data: ',', ';' (then decimal commas, as R's read.csv2), 'tab' or any "
                    + "single character. Default: detected from the header line (comma, tab or semicolon).")
    String sep;

    @Option(names = "--formula", paramLabel = "FORMULA",
            description = "lme4-style formula, e.g. \"distance ~ Sex*age + (age | Subject)\"; (terms || g) makes Ω "
                    + "diagonal. Default with the dental data: \"" + DENTAL_FORMULA + "\".")
    String formula;

    @Option(names = "--residual", paramLabel = "STRUCTURE", defaultValue = ModelFactory.DEFAULT_RESIDUAL,
            description = "Structure of the residual covariance Σ over the occasions: scalar, diagonal, free, cs, "
                    + "ar1, toeplitz or any plug-in (see 'lmm4j list'). Default: ${DEFAULT-VALUE}.")
    String residual;

    @Option(names = "--time", paramLabel = "COLUMN",
            description = "Column whose distinct values are the occasions of a structured Σ (e.g. age).")
    String time;

    @Option(names = "--group", paramLabel = "COLUMN",
            description = "Grouping column of a model without a random term (e.g. Subject).")
    String group;

    @Option(names = "--method", paramLabel = "ML|REML", defaultValue = "ML",
            description = "Maximum likelihood or restricted maximum likelihood. Default: ${DEFAULT-VALUE}.")
    Method method;

    @Option(names = "--estimator", paramLabel = "NAME",
            description = "Estimator: newton, em, alternating or any plug-in (see 'lmm4j list'). Default: "
                    + ModelOptions.DEFAULT_ESTIMATOR + ".")
    String estimator;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "Output format. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = "--strict", description = "Exit with status 3 unless the fit converged.")
    boolean strict;

    @Option(names = "--max-iterations", paramLabel = "N", description = "Iteration limit. Default: 1000.")
    Integer maxIterations;

    @Option(names = "--tolerance", paramLabel = "TOL",
            description = "Convergence tolerance on the relative change of the deviance. Default: 1e-10.")
    Double tolerance;

    @Option(names = "--no-accelerate", description = "Turn off the estimator's acceleration (EM: SQUAREM), e.g. to "
            + "compare plain EM with the accelerated one.")
    boolean noAccelerate;

    @Option(names = "--finish", paramLabel = "newton|none", defaultValue = "newton",
            description = "What runs after the estimator's own iterations: Newton steps on the profiled likelihood "
                    + "(the default, as nlme finishes its EM) or none, to see what the algorithm does by itself. "
                    + "Finishing iterations are counted and labelled apart. Default: newton.")
    String finish;

    @Option(names = "--single-start", description = "Run from the moment start values only (no multi-start where "
            + "the likelihood may have several minima).")
    boolean singleStart;

    /** The estimator run when none is named. */
    public static final String DEFAULT_ESTIMATOR = "newton";

    /** True when the bundled dental data is used (no --data, or --data dental). */
    public boolean bundled() {
        return data == null || data.equals(BundledData.DENTAL);
    }

    /**
     * The table to fit: the CSV file of --data, or the bundled dental data. The bytes are not hashed: a fit's
     * provenance carries the model data's own fingerprint ({@code groups:}), the same for a file and a cluster.
     */
    public DataTable table() {
        return table(EarlyRead.none());
    }

    /** {@link #table()}, taking the table from {@code early} when it read this file with these options. */
    DataTable table(EarlyRead early) {
        if (bundled()) {
            return BundledData.dental();
        }
        CsvOptions csv = csvOptions(separator());
        DataTable read = early.take(data, csv);
        return read != null ? read : CsvTableReader.read(Path.of(data), csv);
    }

    /** How --data is read with the separator {@code sep} (null: detected). */
    static CsvOptions csvOptions(Character sep) {
        return CsvOptions.defaults().withSeparator(sep).withFingerprint(false);
    }

    /** The separator of --sep, or null to detect it. */
    private Character separator() {
        if (sep == null) {
            return null;
        }
        if (sep.equalsIgnoreCase("tab") || sep.equals("\\t") || sep.equals("\t")) {
            return '\t';
        }
        if (sep.length() != 1 || sep.equals("\"") || sep.equals("\n") || sep.equals("\r")) {
            throw new InputException("--sep must be one character (',', ';', '|' ...) or 'tab' (got '" + sep + "')");
        }
        return sep.charAt(0);
    }

    /** The formula: --formula, or with the bundled data the paper's mixed gender model. */
    public String formula() {
        if (formula != null) {
            return formula;
        }
        if (bundled()) {
            return DENTAL_FORMULA;
        }
        throw new InputException("--formula is required with --data " + data);
    }

    /** The model of {@link #formula()} on {@code table}. */
    public MixedModel model(DataTable table, Plugins plugins) {
        return ModelFactory.build(table, formula(), residual, time, group, method, plugins);
    }

    /** The estimator's name (--estimator, or {@value #DEFAULT_ESTIMATOR}). */
    public String estimatorName() {
        return estimator == null ? DEFAULT_ESTIMATOR : estimator;
    }

    /** True when --estimator was given. */
    public boolean estimatorGiven() {
        return estimator != null;
    }

    /** Text or JSON. */
    public OutputFormat format() {
        return format;
    }

    /** True with --strict. */
    public boolean strict() {
        return strict;
    }

    /** ML or REML. */
    public Method method() {
        return method;
    }

    /** The finishing step of --finish. */
    private org.lmm4j.api.Finish finish() {
        return switch (finish == null ? "newton" : finish.toLowerCase(java.util.Locale.ROOT)) {
            case "newton" -> org.lmm4j.api.Finish.NEWTON;
            case "none" -> org.lmm4j.api.Finish.NONE;
            default -> throw new InputException("--finish must be newton or none (got " + finish + ")");
        };
    }

    /** The estimator options: the defaults, with --max-iterations, --tolerance and --no-accelerate applied. */
    public FitOptions fitOptions() {
        FitOptions o = FitOptions.defaults().withAccelerate(!noAccelerate).withFinish(finish())
                .withControl(org.lmm4j.api.Control.defaults().withMultiStart(!singleStart));
        if (maxIterations != null) {
            if (maxIterations < 1) {
                throw new InputException("--max-iterations must be at least 1 (got " + maxIterations + ")");
            }
            o = o.withMaxIterations(maxIterations);
        }
        if (tolerance != null) {
            if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
                throw new InputException("--tolerance must be a positive number (got " + tolerance + ")");
            }
            o = o.withTolerance(tolerance);
        }
        return o;
    }
}
