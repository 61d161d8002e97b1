package org.lmm4j.app.bench;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lmm4j.api.InputException;
import org.lmm4j.app.output.OutputFiles;
import org.lmm4j.app.output.WriteFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j simulate}: writes data from a known random intercept and slope model
 * (y = β0 + β1 t + b0 + b1 t + e, see {@link Simulator}) as CSV with columns {@code subj, t, y},
 * the input {@code lmm4j fit --formula "y ~ t + (t | subj)"} reads. The file is streamed, so a
 * million rows take about a second, to a temporary name that is renamed into place at the end
 * ({@link OutputFiles}): a full disk leaves no truncated CSV behind.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Write CSV data (subj,t,y) from a random intercept and slope model y = b0 + b1 t + u0 + u1 t + e.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--subjects", required = true, description = "number of subjects")
    int subjects;

    @Option(names = "--occasions", required = true, description = "occasions per subject (t = 0..M-1)")
    int occasions;

    @Option(names = "--out", required = true, description = "CSV file to write ('-' for standard output)")
    String out;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--missing", defaultValue = "0", description = "share of occasions missing at random, in [0,1)")
    double missing;

    @Option(names = "--sigma2", defaultValue = "1", description = "residual variance (default ${DEFAULT-VALUE})")
    double sigma2;

    @Option(names = "--beta", split = ",", description = "fixed effects intercept,slope (default 10,0.5)")
    double[] beta;

    @Option(names = "--omega", split = ",",
            description = "random-effects covariance var(intercept),cov,var(slope) (default 4,0.3,0.25)")
    double[] omega;

    @Spec
    CommandSpec commandSpec;

    private final PrintStream err;

    /** The command writing its one-line summary to standard error. */
    public SimulateCommand() {
        this(System.err);
    }

    SimulateCommand(PrintStream err) {
        this.err = err;
    }

    /** The spec the options describe (defaults where an option is absent). */
    SimulationSpec spec() {
        SimulationSpec d = SimulationSpec.of(Math.max(subjects, 1), Math.max(occasions, 1));
        double[] b = beta == null ? d.beta() : beta;
        double[][] o = d.omega();
        if (omega != null) {
            if (omega.length != 3) {
                throw new InputException("--omega needs three values var(intercept),cov,var(slope), got " + omega.length);
            }
            o = new double[][] {{omega[0], omega[1]}, {omega[1], omega[2]}};
        }
        return new SimulationSpec(subjects, occasions, b, o, sigma2, missing, seed);
    }

    @Override
    public Integer call() {
        Simulator simulator = new Simulator(spec());
        long start = System.nanoTime();
        long[] rows = new long[1];
        if ("-".equals(out)) {
            PrintWriter w = commandSpec.commandLine().getOut();
            try {
                rows[0] = simulator.writeCsv(w);
            } catch (IOException e) {
                throw new WriteFailure("standard output", e); // a PrintWriter does not throw; kept for the signature
            }
            w.flush(); // a failure here is found by the command line, which exits 1 (CheckedOutputStream)
        } else {
            Path path;
            try {
                path = Path.of(out);
            } catch (InvalidPathException e) {
                throw new InputException("cannot write " + out + ": " + e.getMessage());
            }
            OutputFiles.write(path, o -> {
                Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
                rows[0] = simulator.writeCsv(w);
                w.flush();
            });
        }
        err.printf("wrote %d rows (%d subjects x %d occasions, seed %d) to %s in %.0f ms%n", rows[0], subjects,
                occasions, seed, "-".equals(out) ? "standard output" : out, (System.nanoTime() - start) / 1e6);
        return 0;
    }
}
