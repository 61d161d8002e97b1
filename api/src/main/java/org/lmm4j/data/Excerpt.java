package org.lmm4j.data;

/**
 * Text from the input as a one-line message quotes it: whole when short, otherwise its first
 * {@value #KEEP} characters and its length, so a 10 MB cell or a 100 000-character formula never fills the terminal.
 */
public final class Excerpt {

    /** Characters of a long text kept in a message. */
    public static final int KEEP = 60;

    private Excerpt() {
    }

    /** {@code "text"}, or {@code "first 60 characters…" (N characters)} for a longer text; line breaks shown as ⏎. */
    public static String quoted(String text) {
        String oneLine = cut(text).replace("\r\n", "⏎").replace('\n', '⏎').replace('\r', '⏎');
        return text.length() <= KEEP ? "\"" + oneLine + "\"" : "\"" + oneLine + "…\" (" + text.length() + " characters)";
    }

    /** The text itself when short, otherwise its first {@value #KEEP} characters (no quotes, no length). */
    public static String cut(String text) {
        return text.length() <= KEEP ? text : text.substring(0, KEEP);
    }
}
