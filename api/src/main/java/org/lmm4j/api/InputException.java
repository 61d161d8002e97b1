package org.lmm4j.api;

/**
 * Bad input from the user: a malformed file, an unknown column, a formula typo, a singular design.
 * The message is one line that names what is wrong and where; the command line prints it and exits
 * with status 2. Line breaks and other control characters in the message (e.g. echoed from a cell or
 * a formula) are shown as escapes, so the message always stays on one line.
 */
public class InputException extends RuntimeException {

    public InputException(String message) {
        super(singleLine(message));
    }

    /** The text with runs of line breaks folded to a space and other control characters escaped as {@code \}{@code uXXXX}. */
    public static String singleLine(String text) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        StringBuilder sb = new StringBuilder(flat.length());
        flat.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
