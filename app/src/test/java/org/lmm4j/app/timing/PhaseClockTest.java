package org.lmm4j.app.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The phases follow one another: each is the time since the previous mark, and they add up to the total. */
class PhaseClockTest {

    @Test
    void phasesAreConsecutiveAndAddUpToTheTotal() throws Exception {
        long now = System.nanoTime();
        PhaseClock clock = new PhaseClock(now - 250_000_000L, now);
        Thread.sleep(20);
        clock.end("read");
        clock.end("compile");
        Thread.sleep(30);
        Phases p = clock.finish("output");
        assertEquals(List.of(PhaseClock.STARTUP, "read", "compile", "output"), List.copyOf(p.millis().keySet()));
        assertEquals(250.0, p.millis().get(PhaseClock.STARTUP), 1e-9);
        assertTrue(p.millis().get("read") >= 20, p.text());
        assertTrue(p.millis().get("output") >= 30, p.text());
        p.millis().values().forEach(ms -> assertTrue(ms >= 0, p.text()));
        assertEquals(p.totalMillis(), p.sumMillis(), 1e-6);
        assertTrue(p.totalMillis() >= 300, p.text());
        assertTrue(p.text().startsWith("startup 250 ms, read "), p.text());
    }

    @Test
    void finishIsFinalAndRepeatable() {
        PhaseClock clock = PhaseClock.sinceProcessStart();
        Phases p = clock.finish("output");
        assertSame(p, clock.finish("output"));
        assertThrows(IllegalStateException.class, () -> clock.end("more"));
    }

    @Test
    void theProcessAgeIsNoMoreThanTheJvmsUptime() {
        long age = PhaseClock.procAgeMillis();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        if (age >= 0) { // Linux: /proc is readable
            // the process began (exec of java) a little before the JVM it became; never after it
            assertTrue(age + 20 >= uptime, "process age " + age + " ms, JVM uptime " + uptime + " ms");
            assertTrue(age <= uptime + 60_000, "process age " + age + " ms, JVM uptime " + uptime + " ms");
        }
        assertTrue(PhaseClock.sinceProcessStart().finish("x").millis().get(PhaseClock.STARTUP) >= 0);
    }
}
