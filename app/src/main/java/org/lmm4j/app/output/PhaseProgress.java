package org.lmm4j.app.output;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.IterationRecord;

/**
 * Progress of a command's phases whose length is not known in advance (reading the data, compiling the model,
 * fitting), on standard error, so that nothing runs silently for minutes: "lmm4j fit: fitting, iteration 7,
 * deviance 1234.5678 (12 s)". Quick phases print nothing. On a terminal the line appears after
 * {@link #TERMINAL_DELAY_MS} and is redrawn in place once a second, then erased; when standard error is a file or a
 * pipe a plain line is written once a phase has lasted {@link #LOG_DELAY_MS}, and again every
 * {@link #LOG_EVERY_MS}. A daemon thread does the drawing.
 */
public final class PhaseProgress implements AutoCloseable {

    static final long TERMINAL_DELAY_MS = 2_000;
    static final long LOG_DELAY_MS = 10_000;
    static final long LOG_EVERY_MS = 30_000;

    private final PrintWriter err;
    private final String command;
    private final boolean interactive;
    private final long delay;
    private final long every;
    private final ScheduledExecutorService timer;
    private String phase;
    private String detail = "";
    private long phaseStart;
    private long lastDrawn;
    private int drawnLength;

    /** Progress of {@code command} (e.g. "lmm4j fit"), redrawn in place only when the JVM has a console. */
    public PhaseProgress(PrintWriter err, String command) {
        this(err, command, System.console() != null, System.console() != null ? TERMINAL_DELAY_MS : LOG_DELAY_MS,
                System.console() != null ? 1_000 : LOG_EVERY_MS);
    }

    PhaseProgress(PrintWriter err, String command, boolean interactive, long delayMillis, long everyMillis) {
        this.err = err;
        this.command = command;
        this.interactive = interactive;
        this.delay = delayMillis;
        this.every = everyMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lmm4j-progress");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, Math.min(delayMillis, everyMillis) / 4);
        timer.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A new phase starts ("reading data.csv", "compiling the model", "fitting"). */
    public synchronized void phase(String what) {
        phase = what;
        detail = "";
        phaseStart = System.nanoTime();
        lastDrawn = 0;
    }

    /** {@code options} that also show the estimator's iterations beside the phase. */
    public FitOptions reporting(FitOptions options) {
        return options.withProgress(options.progress().andThen(iterations()));
    }

    /** The estimator's iterations, shown beside the phase: pass to {@code FitOptions.withProgress}. */
    public Consumer<IterationRecord> iterations() {
        return r -> {
            synchronized (this) {
                detail = String.format(Locale.ROOT, ", iteration %d, deviance %.6g", r.iteration(), r.criterion());
            }
        };
    }

    private synchronized void tick() {
        if (phase == null) {
            return;
        }
        long now = System.nanoTime();
        long running = (now - phaseStart) / 1_000_000;
        if (running < delay || (lastDrawn != 0 && (now - lastDrawn) / 1_000_000 < every)) {
            return;
        }
        lastDrawn = now;
        String line = command + ": " + phase + detail + " (" + running / 1000 + " s)";
        if (interactive) {
            err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            drawnLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Stops drawing and erases the line drawn in place, if any. */
    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            phase = null;
            if (interactive && drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                err.flush();
            }
        }
    }
}
