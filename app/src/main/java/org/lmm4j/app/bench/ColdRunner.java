package org.lmm4j.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lmm4j.api.InputException;

/**
 * Times whole processes on one data file, as a user waits for them (docs/DESIGN.md §5): lmm4j's own
 * {@code fit --format json} started as a child process (through the {@code ./lmm4j} launcher when
 * bench was started by it, so with its class-data archive and JVM flags; otherwise the same JVM and
 * class path as this one), and optionally any other command on the same file (lme4's
 * {@code Rscript}, say), the runs alternating so that both see the same machine. Each time is the
 * wall time from starting the process to its exit, measured with {@link System#nanoTime()}.
 */
public final class ColdRunner {

    /** The placeholder a compare command uses for the data file. */
    public static final String FILE = "{file}";

    /** The environment variable by which the {@code ./lmm4j} launcher names itself to the JVM it starts. */
    public static final String LAUNCHER_ENV = "LMM4J_LAUNCHER";

    /** A child that runs longer than this is stopped and the benchmark fails (never a hang). */
    private static final long TIMEOUT_MINUTES = 30;

    /** Options of this JVM that must not reach a child: they would write (or wait on) files and ports. */
    private static final List<String> NOT_INHERITED = List.of("-XX:ArchiveClassesAtExit", "-XX:AOTCacheOutput",
            "-XX:AOTMode", "-XX:AOTConfiguration", "-XX:DumpLoadedClassList", "-agentlib:jdwp", "-Xrunjdwp");

    /** One child's wall time and, for lmm4j, the fit's JSON (null for another command). */
    record Run(double millis, JsonNode json) {
    }

    private final List<String> lmm4j;
    private final String compare;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param lmm4j    the command that starts lmm4j (the launcher, or java with this JVM's options and class
     *                 path and the main class); see {@link #lmm4jCommand()}
     * @param compare  another command to time on the same file, with {@value #FILE} where the file goes
     *                 (appended when absent), run by {@code sh -c}; null for none
     */
    public ColdRunner(List<String> lmm4j, String compare) {
        this.lmm4j = List.copyOf(lmm4j);
        this.compare = compare;
    }

    /** How to start lmm4j again: the launcher named by {@value #LAUNCHER_ENV}, else this JVM's java, options and class path. */
    public static List<String> lmm4jCommand() {
        String launcher = System.getenv(LAUNCHER_ENV);
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(launcher);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (NOT_INHERITED.stream().noneMatch(a::startsWith)) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(org.lmm4j.app.Main.class.getName());
        return cmd;
    }

    /** True when a compare command was given. */
    public boolean comparing() {
        return compare != null;
    }

    /** The compare command as run for {@code file}: {@value #FILE} replaced by the quoted path. */
    static List<String> compareCommand(String template, Path file) {
        String quoted = quote(file);
        String line = template.contains(FILE) ? template.replace(FILE, quoted) : template + " " + quoted;
        return List.of("sh", "-c", line);
    }

    /** {@code path}, absolute, quoted for {@code sh}. */
    static String quote(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }

    /** lmm4j's {@code fit} of the simulated model on {@code file} with {@code estimator}. */
    List<String> fitCommand(Path file, String estimator) {
        List<String> cmd = new ArrayList<>(lmm4j);
        cmd.addAll(List.of("fit", "--data", file.toAbsolutePath().toString(), "--formula", "y ~ t + (t | subj)",
                "--estimator", estimator, "--format", "json"));
        return cmd;
    }

    /**
     * For every size, writes the simulated data to a CSV file (untimed; the same data the warm fits
     * use), then {@code repeats} rounds of: lmm4j's fit with each estimator, then the compare
     * command; reports the median of each.
     */
    public List<ColdRow> run(SimulationSpec base, List<Integer> sizes, List<String> estimators, int repeats,
                             BenchRunner.Progress progress) {
        if (repeats < 1) {
            throw new InputException("--cold-repeats must be at least 1 here, got " + repeats);
        }
        int perRound = estimators.size() + (comparing() ? 1 : 0);
        int total = sizes.size() * repeats * perRound;
        int done = 0;
        List<ColdRow> rows = new ArrayList<>();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lmm4j-bench");
            for (int n : sizes) {
                SimulationSpec spec = base.withSubjects(n);
                Path file = dir.resolve("sim-" + n + ".csv");
                progress.step(done, total, "writing " + n + " subjects to a file");
                long observations;
                try (java.io.Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    observations = new Simulator(spec).writeCsv(w);
                }
                Map<String, double[]> millis = new LinkedHashMap<>();
                Map<String, List<JsonNode>> fits = new LinkedHashMap<>();
                double[] other = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    for (String e : estimators) {
                        progress.step(done, total, "whole process: " + e + ", " + n + " subjects (" + (r + 1) + "/"
                                + repeats + ")");
                        Run run = fit(file, e);
                        millis.computeIfAbsent(e, k -> new double[repeats])[r] = run.millis();
                        fits.computeIfAbsent(e, k -> new ArrayList<>()).add(run.json());
                        done++;
                    }
                    if (comparing()) {
                        progress.step(done, total, "compare command, " + n + " subjects (" + (r + 1) + "/" + repeats + ")");
                        other[r] = compare(file).millis();
                        done++;
                    }
                }
                double otherMedian = comparing() ? BenchRunner.median(other) : Double.NaN;
                for (String e : estimators) {
                    double[] m = millis.get(e);
                    JsonNode last = fits.get(e).get(fits.get(e).size() - 1);
                    rows.add(new ColdRow(e, n, observations, repeats, BenchRunner.median(m),
                            java.util.Arrays.stream(m).min().orElse(Double.NaN), last.path("status").asText(),
                            last.path("minus2LogLik").asDouble(Double.NaN), medianPhases(fits.get(e)), otherMedian));
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the benchmark's data file: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try (java.util.stream.Stream<Path> left = Files.list(dir)) {
                    left.forEach(ColdRunner::deleteQuietly);
                } catch (IOException e) {
                    // nothing left to tidy, or nothing we may tidy
                }
                deleteQuietly(dir);
            }
        }
        progress.step(total, total, "whole processes timed");
        return rows;
    }

    /** Runs lmm4j's fit once and returns its wall time and JSON; a failed or invalid run is an internal error. */
    Run fit(Path file, String estimator) {
        return time(fitCommand(file, estimator), true);
    }

    /** Runs the compare command once on {@code file}; a non-zero exit is an error. */
    Run compare(Path file) {
        return time(compareCommand(compare, file), false);
    }

    /**
     * Times one child. {@code json}: it is lmm4j, whose JSON is read and whose failure is an internal
     * error; otherwise it is the user's command, whose failure is an input error.
     */
    private Run time(List<String> command, boolean json) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lmm4j-cold", ".out");
            err = Files.createTempFile("lmm4j-cold", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            long start = System.nanoTime();
            Process p = pb.start();
            boolean ended = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            if (!ended) {
                p.destroyForcibly();
                throw failure(json, "'" + String.join(" ", command) + "' ran longer than " + TIMEOUT_MINUTES
                        + " minutes; stopped");
            }
            if (p.exitValue() != 0) {
                throw failure(json, "'" + String.join(" ", command) + "' failed with exit status " + p.exitValue()
                        + lastLine(err));
            }
            JsonNode node = null;
            if (json) {
                try {
                    node = mapper.readTree(out.toFile());
                } catch (IOException e) {
                    throw failure(true, "'" + String.join(" ", command) + "' did not print JSON: " + e.getMessage());
                }
            }
            return new Run(elapsed / 1e6, node);
        } catch (IOException e) {
            throw failure(json, "'" + String.join(" ", command) + "' could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(json, "'" + String.join(" ", command) + "' was interrupted");
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static RuntimeException failure(boolean lmm4j, String message) {
        return lmm4j ? new IllegalStateException(message) : new InputException("the compare command " + message);
    }

    /** The medians, over the runs, of each phase lmm4j reported in {@code provenance.phases}. */
    static Map<String, Double> medianPhases(List<JsonNode> fits) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (JsonNode f : fits) {
            JsonNode phases = f.path("provenance").path("phases");
            for (Iterator<Map.Entry<String, JsonNode>> it = phases.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().asDouble());
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        values.forEach((k, v) -> medians.put(k, BenchRunner.median(v.stream().mapToDouble(Double::doubleValue).toArray())));
        return medians;
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String lastLine(Path err) {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return ": " + lines.get(i).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }
}
