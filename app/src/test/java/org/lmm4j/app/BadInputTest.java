package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets exit status 2 and one line on stderr that names the problem, never a stack trace
 * (issue 2, "Done when", third bullet; docs/DESIGN.md §3).
 */
class BadInputTest {

    @TempDir
    Path dir;

    /** A small valid long-format data set: 6 subjects at times 1..4, y with some noise, x1 and its copy x2. */
    private Path csv(String name, UnaryOperator<String> edit) throws IOException {
        StringBuilder s = new StringBuilder("subj,time,y,x1,x2\n");
        int row = 0;
        for (int i = 1; i <= 6; i++) {
            for (int t = 1; t <= 4; t++) {
                double y = 10 + 0.5 * t + i % 3 + ((row * 7919) % 13) / 10.0;
                double x = (row * 31 % 17) / 4.0;
                s.append("s").append(i).append(',').append(t).append(',').append(y).append(',').append(x).append(',')
                        .append(x).append('\n');
                row++;
            }
        }
        Path p = dir.resolve(name);
        Files.writeString(p, edit.apply(s.toString()));
        return p;
    }

    private static Cli.Run assertBadInput(String mustMention, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(Lmm4jCommand.EXIT_INPUT, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        assertEquals(1, r.errLines().length, "not one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().toLowerCase().contains(mustMention.toLowerCase()), "expected '" + mustMention + "' in: " + r.err());
        return r;
    }

    @Test
    void theValidFileFits() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        Cli.Run r = Cli.run("fit", "--data", ok.toString(), "--formula", "y ~ time + (1 | subj)", "--estimator", "em");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void aStructuredSigmaWithoutGroupsIsNotIdentified() {
        assertBadInput("--group", "fit", "--formula", "distance ~ Sex*age", "--residual", "free", "--time", "age");
    }

    @Test
    void missingFile() {
        assertBadInput("no such file", "fit", "--data", dir.resolve("absent.csv").toString(), "--formula", "y ~ time");
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        assertBadInput("empty", "fit", "--data", empty.toString(), "--formula", "y ~ time");
    }

    @Test
    void unknownColumnInTheFormula() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        assertBadInput("tme", "fit", "--data", ok.toString(), "--formula", "y ~ tme + (1 | subj)");
    }

    @Test
    void unbalancedParenthesisInTheFormula() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        assertBadInput("formula", "fit", "--data", ok.toString(), "--formula", "y ~ time + (1 | subj");
    }

    @Test
    void nonNumericTextInANumericColumn() throws IOException {
        Path bad = csv("text.csv", s -> s.replaceFirst("\ns2,3,[^,]*,", "\ns2,3,twelve,"));
        Cli.Run r = assertBadInput("twelve", "fit", "--data", bad.toString(), "--formula", "y ~ time + (1 | subj)");
        assertTrue(r.err().contains("text.csv"), r.err());
    }

    @Test
    void constantResponse() throws IOException {
        Path constant = csv("constant.csv", s -> s.replaceAll("(?m)^(s\\d,\\d),[^,]*,", "$1,5,"));
        assertBadInput("constant", "fit", "--data", constant.toString(), "--formula", "y ~ time + (1 | subj)");
    }

    @Test
    void rankDeficientDesignNamesTheAliasedColumns() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        Cli.Run r = assertBadInput("x2", "fit", "--data", ok.toString(), "--formula", "y ~ x1 + x2 + (1 | subj)");
        assertTrue(r.err().contains("x1"), r.err());
    }

    @Test
    void timeColumnAbsentFromTheFile() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        assertBadInput("occasion", "fit", "--data", ok.toString(), "--formula", "y ~ time", "--residual", "free",
                "--time", "occasion", "--group", "subj");
    }

    @Test
    void raggedRowNamesFileAndLine() throws IOException {
        Path ragged = csv("ragged.csv", s -> s.replaceFirst("\ns3,2,([^,]*),([^,]*),([^\\n]*)\n", "\ns3,2,$1,$2\n"));
        Cli.Run r = assertBadInput("ragged.csv line 11: 4 fields, the header has 5", "fit", "--data",
                ragged.toString(), "--formula", "y ~ time");
        assertTrue(r.err().contains("line 11"), r.err());
    }

    @Test
    void unknownEstimatorListsTheKnownOnes() {
        assertBadInput("known:", "fit", "--estimator", "simplex");
    }

    @Test
    void unknownResidualStructure() {
        assertBadInput("unknown covariance structure", "fit", "--residual", "banded");
    }

    @Test
    void badOptionValueIsOneLine() {
        assertBadInput("--method", "fit", "--method", "MOM");
    }

    @Test
    void unknownOptionIsOneLine() {
        assertBadInput("--colour", "fit", "--colour", "red");
    }

    @Test
    void formulaRequiredWithAFile() throws IOException {
        Path ok = csv("ok.csv", s -> s);
        assertBadInput("--formula", "compare", "--data", ok.toString());
    }
}
