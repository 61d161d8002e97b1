package org.lmm4j.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Lmm4jCommand#run(String[], PrintStream, PrintStream)} with captured standard output and error. */
final class Cli {

    /** What one run of the command line produced. */
    record Run(int exit, String out, String err) {

        /** Standard error without trailing blank lines, split into lines. */
        String[] errLines() {
            String e = err.strip();
            return e.isEmpty() ? new String[0] : e.split("\\R");
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Lmm4jCommand.run(args, o, e);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
