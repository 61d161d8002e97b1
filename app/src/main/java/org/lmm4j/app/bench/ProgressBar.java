package org.lmm4j.app.bench;

import java.io.PrintStream;

/**
 * A one-line text progress bar redrawn in place with a carriage return, e.g.
 * {@code [##########..........]  3/6  newton, 10000 subjects}; written to standard error so that
 * standard output stays clean for the table or the JSON.
 */
public final class ProgressBar implements BenchRunner.Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private int lastLength;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void step(int done, int total, String label) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder line = new StringBuilder("\r[");
        for (int i = 0; i < WIDTH; i++) {
            line.append(i < filled ? '#' : '.');
        }
        line.append("] ").append(done).append('/').append(total).append("  ").append(label);
        int length = line.length();
        for (int i = length; i < lastLength; i++) {
            line.append(' ');
        }
        lastLength = length;
        out.print(line);
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
