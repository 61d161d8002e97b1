package org.lmm4j.app.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.lmm4j.api.IterationRecord;

/** A long phase says what it is doing; a quick one says nothing; the line drawn in place is erased at the end. */
class PhaseProgressTest {

    @Test
    void aLongPhaseShowsItselfAndTheIterations() throws Exception {
        StringWriter s = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(s), "lmm4j fit", false, 100, 100_000)) {
            p.phase("compiling the model");
            Thread.sleep(400);
            p.phase("fitting");
            p.iterations().accept(new IterationRecord(7, 1234.5678, 0.1, 1, 9));
            Thread.sleep(400);
        }
        String text = s.toString();
        assertTrue(text.contains("lmm4j fit: compiling the model (0 s)"), text);
        assertTrue(text.contains("lmm4j fit: fitting, iteration 7, deviance 1234.57"), text);
        assertEquals(2, text.lines().count(), "one line per phase when not on a terminal: " + text);
    }

    @Test
    void aQuickPhaseSaysNothingAndATerminalLineIsErased() throws Exception {
        StringWriter quiet = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(quiet), "lmm4j fit", false, 5_000, 100_000)) {
            p.phase("reading the data");
            Thread.sleep(100);
        }
        assertEquals("", quiet.toString());
        StringWriter terminal = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(terminal), "lmm4j fit", true, 50, 50)) {
            p.phase("fitting");
            Thread.sleep(300);
        }
        String t = terminal.toString();
        assertTrue(t.startsWith("\rlmm4j fit: fitting (0 s)"), t);
        assertTrue(t.endsWith("\r"), "the line is erased at the end");
    }
}
