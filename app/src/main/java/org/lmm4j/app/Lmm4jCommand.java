package org.lmm4j.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.lmm4j.api.InputException;
import org.lmm4j.app.bench.BenchCommand;
import org.lmm4j.app.bench.SimulateCommand;
import org.lmm4j.app.inference.AnovaCommand;
import org.lmm4j.app.inference.ConfintCommand;
import org.lmm4j.app.inference.CoverageCommand;
import org.lmm4j.app.inference.DiagnosticsCommand;
import org.lmm4j.app.inference.PredictCommand;
import org.lmm4j.app.paper.PaperCommand;
import org.lmm4j.likelihood.Version;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code lmm4j} command line (docs/DESIGN.md §3): subcommands fit, compare, list, paper, bench and
 * simulate, whose instances come from Guice (see {@link Lmm4jModule}, {@link GuiceFactory}).
 *
 * <p>Exit status: 0 success; 2 bad input (one line on stderr, never a stack trace); 3 a fit that did
 * not converge under {@code --strict}; 1 an unexpected internal error (one line; {@code --verbose}
 * adds the stack trace). {@code --verbose} also raises lmm4j's logging to DEBUG, which shows the
 * estimators' iterations.
 */
@Command(name = "lmm4j", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = Lmm4jCommand.VersionProvider.class,
        description = "Linear mixed models: pluggable estimators and covariance structures (de Leeuw, Mixed Linear Models).",
        subcommands = {FitCommand.class, CompareCommand.class, ListCommand.class, PaperCommand.class,
            BenchCommand.class, SimulateCommand.class, AnovaCommand.class, ConfintCommand.class, PredictCommand.class,
            DiagnosticsCommand.class, CoverageCommand.class, CommandLine.HelpCommand.class})
public final class Lmm4jCommand implements Callable<Integer> {

    /** Success. */
    public static final int EXIT_OK = 0;
    /** An unexpected internal error. */
    public static final int EXIT_INTERNAL = 1;
    /** Bad input: a file, a column, a formula or an option. */
    public static final int EXIT_INPUT = 2;
    /** {@code --strict} and the fit did not converge. */
    public static final int EXIT_NOT_CONVERGED = 3;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log at DEBUG level (the estimators' iterations) and print stack traces of internal errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_OK;
    }

    /** Runs the command line with the process's standard streams; returns the exit status. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** Runs the command line writing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        quietOjAlgo();
        List<String> argList = Arrays.asList(args);
        boolean verbose = argList.contains("--verbose") || argList.contains("-v");
        setLogLevel(verbose);
        Injector injector;
        try {
            injector = Guice.createInjector(new Lmm4jModule());
        } catch (Lmm4jModule.PluginException e) {
            errWriter.println("lmm4j: " + e.getMessage());
            return EXIT_INTERNAL;
        } catch (RuntimeException e) {
            Lmm4jModule.PluginException pe = find(e, Lmm4jModule.PluginException.class);
            errWriter.println("lmm4j: " + (pe != null ? pe.getMessage() : "cannot start: " + oneLine(e)));
            if (verbose) {
                e.printStackTrace(errWriter);
            }
            return EXIT_INTERNAL;
        }
        CommandLine cl = new CommandLine(Lmm4jCommand.class, new GuiceFactory(injector));
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(parseResult -> {
            setLogLevel(isVerbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed == null ? "lmm4j" : failed.getCommandSpec().qualifiedName();
            failed = failed == null ? cl : failed;
            failed.getErr().println(name + ": " + oneLine(ex) + " (see '" + name + " --help')");
            return EXIT_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            PrintWriter e = failed.getErr();
            String name = failed.getCommandSpec().qualifiedName();
            InputException input = find(ex, InputException.class);
            if (input != null) {
                e.println(name + ": " + oneLine(input));
                return EXIT_INPUT;
            }
            boolean v = isVerbose(parseResult);
            e.println(name + ": internal error: " + oneLine(ex)
                    + (v ? "" : " (run again with --verbose for the stack trace)"));
            if (v) {
                ex.printStackTrace(e);
            }
            return EXIT_INTERNAL;
        });
        try {
            return cl.execute(args);
        } catch (Error e) {
            // out of memory, a broken class path: still one line, the stack trace only on request
            errWriter.println("lmm4j: internal error: " + e.getClass().getSimpleName() + ": " + oneLine(e)
                    + (verbose ? "" : " (run again with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(errWriter);
            }
            return EXIT_INTERNAL;
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /**
     * ojAlgo prints a hardware-profile notice on standard output the first time it is used on an
     * unknown machine, which would corrupt {@code --format json}; its documented switch turns it off.
     */
    static void quietOjAlgo() {
        if (System.getProperty("shut.up.ojAlgo") == null) {
            System.setProperty("shut.up.ojAlgo", "true");
        }
    }

    /** True when --verbose was given to the top command or to any subcommand on the line. */
    static boolean isVerbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Raises (or lowers back to WARN) the level of the org.lmm4j loggers, when Logback is the SLF4J binding. */
    static void setLogLevel(boolean verbose) {
        ILoggerFactory f = LoggerFactory.getILoggerFactory();
        if (f instanceof LoggerContext ctx) {
            ctx.getLogger("org.lmm4j").setLevel(verbose ? Level.DEBUG : Level.WARN);
        }
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** A throwable's message on one line (its class name when it has none). */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return InputException.singleLine(m);
    }

    /** The version printed by {@code lmm4j --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lmm4j " + Version.current()};
        }
    }
}
