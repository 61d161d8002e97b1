package org.lmm4j.app.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.lmm4j.api.InputException;

/**
 * Every file the command line writes (figures, {@code report.md}, bench plots, simulated CSV) goes through here,
 * so that no half-written file is ever left behind: the content is written to a temporary file beside the
 * target, flushed and forced to the disk, then renamed over the target in one atomic step. A destination that
 * cannot be used (a missing or read-only folder, a directory where a file should go, {@code /proc}) is bad input,
 * exit status 2 ({@link InputException}); a failure while writing (a full disk) is {@link WriteFailure}, exit
 * status 1. Either way the temporary file is removed and the target is left as it was.
 */
public final class OutputFiles {

    /** What goes into a file, written to a buffered stream that this class flushes and closes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFiles() {
    }

    /**
     * The folder {@code dir}, created with its parents when missing, after checking that a file can be created in
     * it; named {@code option} (e.g. "--out") in the one-line error when it cannot be used.
     */
    public static Path directory(Path dir, String option) {
        String where = option + " " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException(where + ": exists and is not a folder; name a folder for the output files");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(where + ": cannot create the folder (" + WriteFailure.reason(e) + ")");
        }
        Path probe = temporary(dir, ".lmm4j-probe");
        try {
            Files.newOutputStream(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            throw new InputException(where + ": cannot create files in this folder (" + WriteFailure.reason(e) + ")");
        } finally {
            deleteQuietly(probe);
        }
        return dir;
    }

    /** Writes {@code text} in UTF-8 to {@code target}, atomically; returns the target. */
    public static Path writeText(Path target, String text) {
        return write(target, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes {@code content} to {@code target} atomically (temporary file, force, rename over the target);
     * returns the target.
     *
     * @throws InputException when the target's folder is missing or read-only, or the target is a folder
     * @throws WriteFailure   when writing fails part way (the target is then untouched)
     */
    public static Path write(Path target, Content content) {
        if (Files.isDirectory(target)) {
            throw new InputException("cannot write " + target + ": it is a folder");
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new InputException("cannot write " + target + ": the folder " + dir + " does not exist");
        }
        Path tmp = temporary(dir, "." + target.getFileName());
        FileChannel channel;
        try {
            channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new InputException("cannot write " + target + ": " + WriteFailure.reason(e));
        }
        boolean moved = false;
        try {
            try (OutputStream o = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(o);
                o.flush();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (IOException e) {
            throw new WriteFailure(target.toString(), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        return target;
    }

    /** A fresh name in {@code dir} starting with {@code prefix}, for a file that is renamed or deleted soon. */
    private static Path temporary(Path dir, String prefix) {
        String name = prefix + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
        try {
            return dir == null ? Path.of(name) : dir.resolve(name);
        } catch (InvalidPathException e) {
            throw new InputException("cannot write in " + dir + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the failure that led here is the one to report
        }
    }
}
