package org.lmm4j.app.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logback is configured in code by {@link LogbackConfigurator}, found through the ServiceLoader, with
 * no XML file: warnings and errors on standard error as {@code LEVEL Logger: message}, lmm4j's
 * loggers at WARN until {@code --verbose} raises them to DEBUG.
 */
class LogbackConfiguratorTest {

    @Test
    void theRunningContextWasConfiguredByTheConfiguratorAndNoXml() {
        LoggerContext ctx = assertInstanceOf(LoggerContext.class, LoggerFactory.getILoggerFactory());
        List<String> status = ctx.getStatusManager().getCopyOfStatusList().stream().map(Status::getMessage).toList();
        assertTrue(status.stream().anyMatch(m -> m.contains(LogbackConfigurator.class.getName())),
                "Logback's status names the configurator it ran: " + status);
        assertTrue(status.stream().noneMatch(m -> m.contains("logback.xml") || m.contains("logback-test.xml")
                || m.contains("Joran")), "no XML configuration was looked for: " + status);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<?> appender = assertInstanceOf(ConsoleAppender.class, root.getAppender(LogbackConfigurator.APPENDER));
        assertEquals("System.err", appender.getTarget());
        assertEquals(LogbackConfigurator.PATTERN, ((PatternLayoutEncoder) appender.getEncoder()).getPattern());
        assertEquals(Level.WARN, root.getLevel());
    }

    @Test
    void quietByDefaultAndDebugWhenVerbose() {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter()); // as SLF4J's Logback provider does
        new LogbackConfigurator().configure(ctx);
        org.slf4j.Logger log = ctx.getLogger("org.lmm4j.newton.NewtonEstimator");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            log.debug("iteration {}", 1);
            log.info("an info line");
            assertEquals("", err.toString(StandardCharsets.UTF_8), "default: warnings and errors only");
            log.warn("a warning");
            LogbackConfigurator.setVerbose(ctx, true);
            log.debug("iteration {}", 2);
            ctx.getLogger("com.google.inject.Guice").debug("not ours");
            LogbackConfigurator.setVerbose(ctx, false);
            log.debug("iteration {}", 3);
        } finally {
            System.setErr(original);
            ctx.stop();
        }
        String nl = System.lineSeparator();
        assertEquals("WARN  NewtonEstimator: a warning" + nl + "DEBUG NewtonEstimator: iteration 2" + nl,
                err.toString(StandardCharsets.UTF_8));
    }
}
