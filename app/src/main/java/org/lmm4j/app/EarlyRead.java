package org.lmm4j.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.lmm4j.app.data.BundledData;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvOptions;
import org.lmm4j.io.CsvTableReader;

/**
 * The data file of {@code fit --data FILE}, read from the first moment of the process on a thread of its own, while
 * the main thread builds the injector and the command line (about 200 ms on a small machine, when a core is often
 * idle). It is a guess made from the raw arguments, before picocli has parsed them, so the command only takes the
 * table when its own parsed options ask for exactly the same read ({@link #take}: the same path and the same
 * {@link CsvOptions}); otherwise the guess is ignored and the command reads as it would have. What the reader threw
 * is thrown again by {@link #take}, so a bad file gets the same message, and a guess nobody takes costs nothing but
 * the processor time. Not started with {@code --sep} (its value is parsed by {@link ModelOptions}), nor with
 * {@code --verbose}, whose reader's log lines must come after the log level is set.
 */
public final class EarlyRead {

    private static final EarlyRead NONE = new EarlyRead(null, null);

    private final String data;
    private final CsvOptions options;
    private Thread thread;
    private DataTable table;
    private Throwable failure;

    private EarlyRead(String data, CsvOptions options) {
        this.data = data;
        this.options = options;
    }

    /** No early read (tests, commands other than fit). */
    public static EarlyRead none() {
        return NONE;
    }

    /**
     * Starts the read when {@code args} are a {@code fit} naming a regular file with {@code --data} (no {@code --sep},
     * no {@code --verbose}), with the options {@link ModelOptions} would then read it with.
     */
    static EarlyRead startFor(String[] args) {
        if (!"fit".equals(Lmm4jCommand.firstWord(args))) {
            return NONE;
        }
        String data = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--sep") || a.startsWith("--sep=") || a.equals("--verbose") || a.equals("-v")) {
                return NONE;
            }
            if (a.equals("--data") && i + 1 < args.length) {
                data = args[++i];
            } else if (a.startsWith("--data=")) {
                data = a.substring("--data=".length());
            }
        }
        if (data == null || data.equals(BundledData.DENTAL) || !regularFile(data)) {
            return NONE;
        }
        EarlyRead early = new EarlyRead(data, ModelOptions.csvOptions(null));
        Thread t = new Thread(early::read, "lmm4j-early-read");
        t.setDaemon(true);
        early.thread = t;
        t.start();
        return early;
    }

    /** Whether {@code data} names a regular file (false for a name that is no path: the command will say so). */
    private static boolean regularFile(String data) {
        try {
            return Files.isRegularFile(Path.of(data));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void read() {
        try {
            table = CsvTableReader.read(Path.of(data), options);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /**
     * The table read early when it is the read of {@code path} with {@code csv}, waiting for it; null when nothing
     * was read early, or something else (the caller then reads itself). Throws what the read threw.
     */
    DataTable take(String path, CsvOptions csv) {
        if (thread == null || !data.equals(path) || !options.equals(csv)) {
            return null;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return table;
    }
}
