package org.lmm4j.app.output;

import java.io.PrintWriter;

/**
 * Progress of long work (the paper's fits, the benchmark's sizes) on standard error, so standard output
 * stays clean for tables and JSON. On a terminal it is one line redrawn in place with a carriage return,
 * {@code title [##########..........] 3/6  label}; when standard error is a file or a pipe (CI logs) it
 * writes a plain line at each quarter of the work instead.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String title;
    private final boolean interactive;
    private int lastLength;
    private int lastQuarter = -1;

    /** A bar that redraws in place only when the JVM has a console. */
    public ProgressBar(PrintWriter err, String title) {
        this(err, title, System.console() != null);
    }

    public ProgressBar(PrintWriter err, String title, boolean interactive) {
        this.err = err;
        this.title = title;
        this.interactive = interactive;
    }

    /** {@code done} of {@code total} steps are finished; {@code label} names the last one. */
    public void step(int done, int total, String label) {
        if (!interactive) {
            int quarter = total == 0 ? 4 : (int) (4L * done / total);
            if (quarter > lastQuarter) {
                lastQuarter = quarter;
                err.println(title + " " + done + "/" + total + "  " + label);
                err.flush();
            }
            return;
        }
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder line = new StringBuilder("\r").append(title).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            line.append(i < filled ? '#' : '.');
        }
        line.append("] ").append(done).append('/').append(total).append("  ").append(label);
        int length = line.length();
        for (int i = length; i < lastLength; i++) {
            line.append(' ');
        }
        lastLength = length;
        err.print(line);
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
