package org.lmm4j.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * lmm4j's Logback configuration, in code: Logback finds it through {@code META-INF/services}
 * ({@link java.util.ServiceLoader}) before it would look for a {@code logback.xml}, and it stops the
 * search, so no XML is parsed at start-up. Quiet by default: warnings and errors only, on standard
 * error, as {@code LEVEL Logger: message}; the command line's {@code --verbose} raises the
 * {@value #LMM4J} loggers to DEBUG (see {@link #setVerbose}), which shows every estimator's iterations.
 * Logback's own status messages are discarded.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

    /** The name of lmm4j's loggers' common ancestor. */
    public static final String LMM4J = "org.lmm4j";
    /** The appender's name. */
    public static final String APPENDER = "STDERR";
    /** The layout of a line, as Logback's PatternLayout spells it. */
    public static final String PATTERN = "%-5level %logger{0}: %msg%n";

    /** Logback calls this through the ServiceLoader. */
    public LogbackConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        context.getLogger(LMM4J).setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Raises lmm4j's loggers to DEBUG ({@code --verbose}) or sets them back to WARN. */
    public static void setVerbose(LoggerContext context, boolean verbose) {
        context.getLogger(LMM4J).setLevel(verbose ? Level.DEBUG : Level.WARN);
    }
}
