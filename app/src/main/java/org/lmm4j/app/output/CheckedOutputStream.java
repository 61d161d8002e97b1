package org.lmm4j.app.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Standard output that remembers its first failure. A {@link java.io.PrintWriter} swallows the
 * {@link IOException} of a full disk or a closed pipe, so a command would end with exit status 0 and truncated
 * output; the command line writes through this stream instead and, after the command, asks {@link #failure()}:
 * a failed write is exit status 1 with one line (docs/DESIGN.md §3). After the first failure every later write fails at
 * once with the same exception, so a long output is not pushed, byte by byte, into a full disk.
 */
public final class CheckedOutputStream extends OutputStream {

    private final OutputStream out;
    private IOException failure;

    /** Writes to {@code out}, which is never closed by this stream. */
    public CheckedOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        check();
        try {
            out.write(b);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        check();
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void flush() throws IOException {
        check();
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Flushes; the stream under it stays open (it is the process's standard output). */
    @Override
    public void close() throws IOException {
        flush();
    }

    /**
     * The first write or flush failure, or null when every byte went through. A {@link PrintStream} underneath
     * (which swallows its own failures) is asked too; its reason is then unknown.
     */
    public IOException failure() {
        if (failure == null && out instanceof PrintStream ps && ps.checkError()) {
            failure = new IOException("write error");
        }
        return failure;
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private IOException failed(IOException e) {
        failure = e;
        return e;
    }
}
