package org.lmm4j.app;

import ch.qos.logback.classic.LoggerContext;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import org.lmm4j.app.logging.LogbackConfigurator;
import org.lmm4j.app.output.CheckedOutputStream;
import org.lmm4j.app.output.HeapAdvice;
import org.lmm4j.app.output.WriteFailure;
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
 * not converge under {@code --strict}; 1 an unexpected internal error, a write that failed (a full disk) or
 * the heap running out (one line; {@code --verbose} adds the stack trace). {@code --verbose} also raises lmm4j's logging to DEBUG, which shows the
 * estimators' iterations.
 */
@Command(name = "lmm4j", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = Lmm4jCommand.VersionProvider.class,
        description = "Linear mixed models: pluggable estimators and covariance structures (de Leeuw, Mixed Linear Models).")
public final class Lmm4jCommand implements Callable<Integer> {

    /**
     * Every subcommand, in the order of the help. They are registered in {@link #commandLine}, not in
     * the {@code @Command} annotation, so that a line naming one subcommand builds only that one.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(FitCommand.class, CompareCommand.class, ListCommand.class,
            PaperCommand.class, BenchCommand.class, SimulateCommand.class, AnovaCommand.class, ConfintCommand.class,
            PredictCommand.class, DiagnosticsCommand.class, CoverageCommand.class, CommandLine.HelpCommand.class);

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

    /**
     * Runs the command line with the process's standard streams; returns the exit status. Standard output is
     * written through its file descriptor, not {@link System#out}, whose PrintStream would hide a failed write.
     */
    public static int run(String[] args) {
        return run(args, new FileOutputStream(FileDescriptor.out), System.err);
    }

    /**
     * Runs the command line writing to {@code out} and {@code err}; returns the exit status. A write to
     * {@code out} that fails (a full disk, a closed pipe) makes the status 1, with one line on {@code err}.
     */
    public static int run(String[] args, OutputStream out, PrintStream err) {
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CheckedOutputStream checkedOut = new CheckedOutputStream(out);
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(checkedOut, StandardCharsets.UTF_8), true);
        quietOjAlgo();
        cheapStart();
        EarlyRead early = EarlyRead.startFor(args);
        Prewarm prewarm = Prewarm.startFor(firstWord(args));
        List<String> argList = Arrays.asList(args);
        boolean verbose = argList.contains("--verbose") || argList.contains("-v");
        Injector injector;
        try {
            injector = Guice.createInjector(new Lmm4jModule(prewarm, early));
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
        // picocli and Logback (configured by the first use of SLF4J) were initialised by the prewarm thread meanwhile
        prewarm.awaitStartup();
        setLogLevel(verbose);
        CommandLine cl = commandLine(new GuiceFactory(injector), args);
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
            WriteFailure write = find(ex, WriteFailure.class);
            if (write != null) {
                e.println(name + ": " + oneLine(write));
                return EXIT_INTERNAL;
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
            int exit = cl.execute(args);
            outWriter.flush();
            IOException failed = checkedOut.failure();
            if (failed != null) {
                errWriter.println("lmm4j: cannot write to standard output: " + WriteFailure.reason(failed));
                return EXIT_INTERNAL;
            }
            return exit;
        } catch (OutOfMemoryError e) {
            errWriter.println("lmm4j: " + HeapAdvice.message(e, Runtime.getRuntime().maxMemory()));
            if (verbose) {
                e.printStackTrace(errWriter);
            }
            return EXIT_INTERNAL;
        } catch (Error e) {
            // a broken class path, a stack overflow: still one line, the stack trace only on request
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
     * The command line for {@code args}: when they name a subcommand, only that one is built (picocli
     * reflects over, and Guice builds, every registered command before parsing, and a run needs one);
     * otherwise (no subcommand, {@code --help}, {@code --version}, {@code help}, a misspelt name) all of
     * them, so the help lists them all and picocli's error suggests the near names.
     */
    static CommandLine commandLine(CommandLine.IFactory factory, String[] args) {
        CommandLine cl = new CommandLine(Lmm4jCommand.class, factory);
        String named = firstWord(args);
        Class<?> only = null;
        for (Class<?> c : SUBCOMMANDS) {
            if (c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(named)) {
                only = c;
            }
        }
        for (Class<?> c : only == null ? SUBCOMMANDS : List.<Class<?>>of(only)) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /** The first argument that is not an option (the subcommand's name when there is one), or null. */
    static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
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

    /**
     * Picocli's and Guice's start-up cost, lowered with their documented switches: picocli does not
     * look for Groovy closures; Guice uses no bytecode generation (plain
     * reflection builds the few objects a command needs, and the classes it would generate at run time
     * could not be kept in the launcher's class-data archive), and no stack trace captured for every
     * binding (they only locate configuration errors in source code, which users never see).
     */
    static void cheapStart() {
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true"); // no search for Groovy's Closure class
        }
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        if (System.getProperty("guice_include_stack_traces") == null) {
            System.setProperty("guice_include_stack_traces", "OFF");
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
            LogbackConfigurator.setVerbose(ctx, verbose);
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
