package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmm4j.api.Estimator;

/**
 * Plug-ins are found with ServiceLoader alone: an estimator that lives only in the test class path
 * (TestOnlyEstimator, declared in src/test/resources/META-INF/services) is listed and runs by name;
 * duplicate names and an empty class path are refused with a message naming the culprits.
 */
class PluginDiscoveryTest {

    @Test
    void anEstimatorOnlyInTestCodeIsListed() {
        Cli.Run r = Cli.run("list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("test-only"), r.out());
        assertTrue(r.out().contains(new TestOnlyEstimator().description()), r.out());
    }

    @Test
    void anEstimatorOnlyInTestCodeRunsByName() {
        Cli.Run r = Cli.run("fit", "--estimator", "test-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("estimator test-only"), r.out());
        assertTrue(r.out().contains("NOT_CONVERGED"), r.out());
    }

    @Test
    void strictTurnsNonConvergenceIntoExitStatusThree() {
        Cli.Run r = Cli.run("fit", "--estimator", "test-only", "--strict");
        assertEquals(Lmm4jCommand.EXIT_NOT_CONVERGED, r.exit(), r.err());
        assertTrue(r.out().contains("NOT_CONVERGED"), r.out());
    }

    @Test
    void twoPluginsWithOneNameAreRefusedNamingBothClasses(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Estimator.class.getName()), TestOnlyEstimatorTwin.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Lmm4jModule.PluginException e = assertThrows(Lmm4jModule.PluginException.class,
                    () -> new Lmm4jModule(loader));
            assertTrue(e.getMessage().contains(TestOnlyEstimator.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains(TestOnlyEstimatorTwin.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains("'test-only'"), e.getMessage());
        }
    }

    @Test
    void noPluginsAtAllIsAClearError() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            Lmm4jModule.PluginException e = assertThrows(Lmm4jModule.PluginException.class,
                    () -> Lmm4jModule.discover(Estimator.class, empty, Estimator::name));
            assertTrue(e.getMessage().startsWith("no Estimator plug-in found"), e.getMessage());
        }
    }
}
