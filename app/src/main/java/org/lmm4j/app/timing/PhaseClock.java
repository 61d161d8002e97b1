package org.lmm4j.app.timing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stopwatch for the phases of one command, started when the process started, so the first phase,
 * {@value #STARTUP}, covers the launcher, the JVM's start, Logback, the Guice wiring and the parsing of
 * the command line. On Linux the process's age is read from {@code /proc} (its start in clock ticks
 * since boot, {@code /proc/self/stat} field 22, against {@code /proc/uptime}; 10 ms resolution and
 * no class loading); elsewhere it is the JVM's
 * {@link java.lang.management.RuntimeMXBean#getStartTime() start time}, whose management classes
 * take tens of milliseconds to load. Each {@link #end} closes the running phase and opens the next; {@link #finish} closes the last
 * one and freezes the result. One instance per command run; not shared between threads.
 */
public final class PhaseClock {

    /** The name of the first phase: from the process's start to the clock's creation. */
    public static final String STARTUP = "startup";

    /** Clock ticks per second of {@code /proc}'s times (Linux's USER_HZ, 100 on every architecture it runs on). */
    private static final int USER_HZ = 100;

    private final long originNanos;
    private long lastNanos;
    private final Map<String, Double> millis = new LinkedHashMap<>();
    private Phases finished;

    PhaseClock(long originNanos, long nowNanos) {
        this.originNanos = Math.min(originNanos, nowNanos);
        this.lastNanos = nowNanos;
        millis.put(STARTUP, (nowNanos - this.originNanos) / 1e6);
    }

    /** A clock whose {@value #STARTUP} phase ran from the process's start until now. */
    public static PhaseClock sinceProcessStart() {
        long ageMillis = procAgeMillis();
        if (ageMillis < 0) {
            long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
            ageMillis = Math.max(0, System.currentTimeMillis() - jvmStartMillis);
        }
        long nowNanos = System.nanoTime();
        return new PhaseClock(nowNanos - ageMillis * 1_000_000L, nowNanos);
    }

    /** The process's age from {@code /proc/self/stat} and {@code /proc/uptime}, or −1 where they cannot be read. */
    static long procAgeMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII);
            // the fields after the command name, which is in parentheses and may hold spaces: state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long startTicks = Long.parseLong(f[22 - 3]);
            double upSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            long age = Math.round(upSeconds * 1000.0 - startTicks * (1000.0 / USER_HZ));
            return age >= 0 && age < 86_400_000L ? age : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Closes the running phase under the name {@code phase} (the work since the previous mark). */
    public void end(String phase) {
        if (finished != null) {
            throw new IllegalStateException("the clock was finished; cannot end " + phase);
        }
        long now = System.nanoTime();
        millis.merge(phase, (now - lastNanos) / 1e6, Double::sum);
        lastNanos = now;
    }

    /**
     * Closes the last phase under the name {@code phase} and returns every phase; later calls return
     * the same value, so a report can show the times it was written with.
     */
    public Phases finish(String phase) {
        if (finished == null) {
            end(phase);
            finished = new Phases(millis, (lastNanos - originNanos) / 1e6);
        }
        return finished;
    }
}
