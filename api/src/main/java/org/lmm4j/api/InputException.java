package org.lmm4j.api;

/**
 * Bad input from the user: a malformed file, an unknown column, a formula typo, a singular design.
 * The message is one line that names what is wrong and where; the command line prints it and exits
 * with status 2.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }
}
