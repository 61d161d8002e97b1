package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Awkward data files through the command line (issue 15 items 6 and 8): a semicolon file with decimal commas and a
 * tab-separated file give the fit of the comma file, {@code --sep} chooses the separator, and {@code /dev/zero} is one
 * line with exit status 2 at once.
 */
class ReadingOptionsTest {

    @TempDir
    Path dir;

    private String data(char sep, char decimal) {
        StringBuilder s = new StringBuilder("subj" + sep + "time" + sep + "y\n");
        int row = 0;
        for (int i = 1; i <= 6; i++) {
            for (int t = 1; t <= 4; t++) {
                double y = 10 + 0.5 * t + i % 3 + ((row++ * 7919) % 13) / 10.0;
                s.append("s").append(i).append(sep).append(t).append(sep)
                        .append(Double.toString(y).replace('.', decimal)).append('\n');
            }
        }
        return s.toString();
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String deviance(Cli.Run r) {
        assertEquals(0, r.exit(), r.err());
        int at = r.out().indexOf("\"deviance\"");
        return r.out().substring(at, r.out().indexOf(',', at));
    }

    @Test
    void semicolonAndTabFilesFitAsTheCommaFile() throws IOException {
        String formula = "y ~ time + (1 | subj)";
        String comma = deviance(Cli.run("fit", "--data", file("c.csv", data(',', '.')).toString(), "--formula", formula,
                "--format", "json"));
        String semicolon = deviance(Cli.run("fit", "--data", file("s.csv", data(';', ',')).toString(), "--formula",
                formula, "--format", "json"));
        String tab = deviance(Cli.run("fit", "--data", file("t.csv", data('\t', '.')).toString(), "--formula", formula,
                "--format", "json"));
        String given = deviance(Cli.run("fit", "--data", file("p.csv", data('|', '.')).toString(), "--sep", "|",
                "--formula", formula, "--format", "json"));
        assertEquals(comma, semicolon);
        assertEquals(comma, tab);
        assertEquals(comma, given);
    }

    @Test
    void aBadSepIsOneLine() throws IOException {
        Cli.Run r = Cli.run("fit", "--data", file("c.csv", data(',', '.')).toString(), "--sep", "ab", "--formula",
                "y ~ time + (1 | subj)");
        assertEquals(Lmm4jCommand.EXIT_INPUT, r.exit());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("--sep"), r.err());
    }

    @Test
    void devZeroIsOneLineAtOnce() {
        if (!Files.isReadable(Path.of("/dev/zero"))) {
            return;
        }
        Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> Cli.run("fit", "--data", "/dev/zero", "--formula", "y ~ t"));
        assertEquals(Lmm4jCommand.EXIT_INPUT, r.exit(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("binary"), r.err());
    }
}
