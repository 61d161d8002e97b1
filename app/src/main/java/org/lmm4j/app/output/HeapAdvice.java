package org.lmm4j.app.output;

/**
 * The one line printed when the Java heap runs out: what ran out, how much heap this JVM may use, and how to give it
 * more ({@code JAVA_OPTS=-Xmx...} for the {@code ./lmm4j} launcher, {@code java -Xmx... -jar} otherwise), with a
 * size to try: twice the present maximum rounded up to a power of two, at least 1 GB.
 */
public final class HeapAdvice {

    private static final long MB = 1L << 20;

    private HeapAdvice() {
    }

    /** The message for {@code e}, thrown in a JVM whose maximum heap is {@code maxHeapBytes}. */
    public static String message(OutOfMemoryError e, long maxHeapBytes) {
        String what = e.getMessage() == null || e.getMessage().isBlank() ? "Java heap space" : e.getMessage();
        String option = "-Xmx" + suggestion(maxHeapBytes);
        String limit = maxHeapBytes == Long.MAX_VALUE ? "" : "; this JVM may use at most " + size(maxHeapBytes);
        return "out of memory (" + what + limit + "): give Java more heap, e.g. JAVA_OPTS=" + option
                + " ./lmm4j ... (or java " + option + " -jar lmm4j.jar ...), or fit a smaller model or data set";
    }

    /** A heap size to try, in the spelling of {@code -Xmx}: "1g", "2g", "4g", ... */
    static String suggestion(long maxHeapBytes) {
        long mb = maxHeapBytes == Long.MAX_VALUE ? 1024 : Math.max(1024, 2 * (maxHeapBytes / MB));
        long g = 1;
        while (g * 1024 < mb) {
            g *= 2;
        }
        return g + "g";
    }

    private static String size(long bytes) {
        long mb = bytes / MB;
        return mb >= 10 * 1024 ? (mb / 1024) + " GB" : mb + " MB";
    }
}
