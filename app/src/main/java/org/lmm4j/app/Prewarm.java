package org.lmm4j.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.inference.Satterthwaite;
import org.lmm4j.linalg.SymmetricEigen;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Start-up work for the second core: a daemon thread makes the first, cold use of libraries while the main thread
 * does something else, so that their class loading and static initialisation (about 150 ms on a small machine) leave
 * the critical path.
 * <ol>
 *   <li>While the main thread builds the Guice injector: picocli (a throw-away command line is parsed) and Logback
 *       (configured by SLF4J's first call). The main thread waits for this stage ({@link #awaitStartup}) before it
 *       touches either.</li>
 *   <li>For {@code fit}, from the moment the data are read ({@link #startLibraries}; the reading uses both cores) while
 *       the main thread compiles the model on one: ojAlgo's eigen decomposition (the boundary checks and the Newton
 *       step), which the fit waits for ({@link #awaitNumerics}); then commons-math's t distribution (the p-values),
 *       the JDK's formatter and Jackson's JSON writer, which the output waits for ({@link #awaitOutput}).</li>
 * </ol>
 * The waits mean that no library is ever initialised by both threads at once. The thread computes on made-up numbers
 * and writes nowhere, so nothing a command reads or prints depends on it.
 */
public final class Prewarm {

    private final CountDownLatch startup = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);
    private final CountDownLatch numerics = new CountDownLatch(1);
    private final CountDownLatch output = new CountDownLatch(1);

    private Prewarm() {
    }

    /** Nothing to wait for: both stages count as done (tests, and library use of the module). */
    public static Prewarm none() {
        Prewarm p = new Prewarm();
        p.startup.countDown();
        p.go.countDown();
        p.numerics.countDown();
        p.output.countDown();
        return p;
    }

    /** Starts the thread: the start-up stage always, the libraries' stage when {@code command} is {@code fit}. */
    static Prewarm startFor(String command) {
        Prewarm p = new Prewarm();
        boolean fit = "fit".equals(command);
        Thread t = new Thread(() -> p.run(fit), "lmm4j-prewarm");
        t.setDaemon(true);
        t.start();
        return p;
    }

    /** Waits until picocli and Logback are initialised. */
    void awaitStartup() {
        await(startup);
    }

    /** Lets the libraries' stage begin (the main thread has read the data). */
    public void startLibraries() {
        go.countDown();
    }

    /** Waits until ojAlgo is initialised (at once for commands other than fit). */
    public void awaitNumerics() {
        await(numerics);
    }

    /** Waits until the output's libraries are initialised (at once for commands other than fit). */
    public void awaitOutput() {
        await(output);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(boolean fit) {
        try {
            warm(() -> {
                new CommandLine(new Probe()).parseArgs("--count", "3", "--name", "x");
                LoggerFactory.getILoggerFactory();
            });
        } finally {
            startup.countDown();
        }
        if (!fit) {
            numerics.countDown();
            output.countDown();
            return;
        }
        await(go);
        try {
            warm(() -> SymmetricEigen.of(new double[][] {{2, 1}, {1, 3}}));
        } finally {
            numerics.countDown();
        }
        try {
            warm(() -> {
                Satterthwaite.twoSided(2.5, 12.5);
                Satterthwaite.twoSided(2.5, Double.POSITIVE_INFINITY);
                String.format(Locale.ROOT, "%016x %.4f %s", 42L, Math.PI, "x");
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                node.put("deviance", 1234.5678).put("status", "CONVERGED").putArray("beta").add(1.5).add(-2e-8);
                try {
                    FitJson.write(node, Writer.nullWriter());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } finally {
            output.countDown();
        }
    }

    /** Runs a warm-up; whatever goes wrong in one will be met, and reported, by the command itself. */
    private static void warm(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            // a warm-up only
        }
    }

    /** A command line of picocli's usual parts: a command, options with values, type conversion. */
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe {
        @Option(names = "--count")
        int count;
        @Option(names = "--name")
        String name;
    }
}
