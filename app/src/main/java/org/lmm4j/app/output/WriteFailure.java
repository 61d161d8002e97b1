package org.lmm4j.app.output;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A file or standard output could not be written to the end (a full disk, a closed pipe, an I/O error): the
 * command line prints the message as one line and exits with status 1 (a failed write is an error, never exit 0).
 * A destination that cannot be used at all (a missing or read-only folder) is bad input instead
 * ({@link org.lmm4j.api.InputException}, exit status 2).
 */
public final class WriteFailure extends RuntimeException {

    /** "cannot write {@code what}: reason", the reason taken from {@code cause}. */
    public WriteFailure(String what, IOException cause) {
        super("cannot write " + what + ": " + reason(cause), cause);
    }

    /**
     * The operating system's reason for an I/O failure, in a few words (e.g. "No space left on device"), from the
     * innermost I/O exception (an image writer wraps the disk's failure in its own "I/O error writing PNG file!").
     */
    public static String reason(IOException failure) {
        IOException e = failure;
        for (Throwable c = failure.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof IOException io) {
                e = io;
            }
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
