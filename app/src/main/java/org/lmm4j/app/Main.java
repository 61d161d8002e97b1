package org.lmm4j.app;

/** Entry point of the {@code lmm4j} command line; see {@link Lmm4jCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Lmm4jCommand.run(args));
    }
}
