package org.lmm4j.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Set;
import org.lmm4j.app.output.FitJson;
import org.lmm4j.inference.Satterthwaite;
import org.lmm4j.linalg.SymmetricEigen;

/**
 * Start-up work for the second core. While the main thread wires the command line (Logback, Guice, picocli) and then
 * reads and compiles the data, a daemon thread makes the first, cold use of the libraries that the later phases of a
 * fit call for the first time: ojAlgo's eigen decomposition (the boundary checks and the Newton step), commons-math's
 * t distribution (the p-values), the JDK's formatter and Jackson's JSON writer (the output). Their class loading and
 * static initialisation (about 100 ms on a small machine) then happen beside the main thread's work instead of on its
 * path. The thread computes on made-up numbers and writes nowhere: nothing a command reads or prints depends on it,
 * so a command's output is the same whether it has finished, is still running or never ran.
 */
final class Prewarm {

    /** The commands that fit a model, the ones whose later phases use these libraries. */
    static final Set<String> FITTING = Set.of("fit", "compare", "anova", "confint", "predict", "diagnostics");

    private Prewarm() {
    }

    /** Starts the thread when {@code command} fits a model; does nothing otherwise. */
    static void startFor(String command) {
        if (command == null || !FITTING.contains(command)) {
            return;
        }
        Thread t = new Thread(Prewarm::run, "lmm4j-prewarm");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The first use of each library, in the order a fit needs them. */
    static void run() {
        try {
            SymmetricEigen.of(new double[][] {{2, 1}, {1, 3}});
            Satterthwaite.twoSided(2.5, 12.5);
            Satterthwaite.twoSided(2.5, Double.POSITIVE_INFINITY);
            String.format(Locale.ROOT, "%016x %.4f %s", 42L, Math.PI, "x");
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("deviance", 1234.5678).put("status", "CONVERGED").putArray("beta").add(1.5).add(-2e-8);
            FitJson.write(node, Writer.nullWriter());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a null writer does not fail
        } catch (RuntimeException | LinkageError e) {
            // a warm-up only: whatever went wrong here will be met, and reported, by the command itself
        }
    }
}
