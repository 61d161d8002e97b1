package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text summary at awkward magnitudes (issue 15, item 8): columns never run together; far-off covariates get advice. */
class TextSummaryTest {

    @TempDir
    Path dir;

    /** The line after the one that starts with {@code header} (after trimming), split on white space. */
    private static String[] valuesUnder(String text, String header) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(header)) {
                return lines.get(i + 1).strip().split("\\s+");
            }
        }
        throw new AssertionError("no line starting with " + header + " in\n" + text);
    }

    @Test
    void numbersOfThirteenCharactersAndMoreStayApart() {
        Path csv = dir.resolve("big.csv");
        Cli.Run sim = Cli.run("simulate", "--subjects", "30000", "--occasions", "10", "--sigma2", "1e6", "--omega",
                "4e6,0,1e4", "--out", csv.toString());
        assertEquals(0, sim.exit(), sim.err());
        Cli.Run fit = Cli.run("fit", "--data", csv.toString(), "--formula", "y ~ t + (t | subj)");
        assertEquals(0, fit.exit(), fit.err());
        String[] stats = valuesUnder(fit.out(), "deviance");
        assertEquals(6, stats.length, "columns ran together: " + String.join("|", stats) + "\n" + fit.out());
        for (String s : stats) {
            Double.parseDouble(s);
        }
        assertTrue(stats[2].length() >= 13, "logLik should need 13 characters here: " + stats[2]);
        Cli.Run compare = Cli.run("compare", "--data", csv.toString(), "--formula", "y ~ t + (t | subj)",
                "--estimators", "newton");
        assertEquals(0, compare.exit(), compare.err());
        String[] row = valuesUnder(compare.out(), "estimator");
        assertTrue(row.length >= 7, String.join("|", row));
        Double.parseDouble(row[2]);
        Double.parseDouble(row[3]);
    }

    @Test
    void aCovariateFarFromZeroIsFittedWithAdviceToCentreIt() throws Exception {
        StringBuilder csv = new StringBuilder("subj,t,y\n");
        java.util.Random r = new java.util.Random(4);
        for (int s = 0; s < 30; s++) {
            double u = r.nextGaussian();
            for (int t = 0; t < 5; t++) {
                csv.append(s).append(',').append(1e9 + t).append(',')
                        .append(String.format(java.util.Locale.ROOT, "%.5f", 10 + 0.5 * t + u + r.nextGaussian()))
                        .append('\n');
            }
        }
        Path file = Files.writeString(dir.resolve("far.csv"), csv);
        Cli.Run fit = Cli.run("fit", "--data", file.toString(), "--formula", "y ~ t + (1 | subj)");
        assertEquals(0, fit.exit(), fit.err());
        assertTrue(fit.out().contains("\"t\" is nearly collinear with the intercept"), fit.out());
        assertTrue(fit.out().contains("centre it"), fit.out());
        Cli.Run json = Cli.run("fit", "--data", file.toString(), "--formula", "y ~ t + (1 | subj)", "--format", "json");
        assertTrue(json.out().contains("centre it"), json.out());
    }
}
