package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile places to write to (issue 15, items 3 and 6): a full disk is exit status 1 with one line and never leaves a
 * half-written file; a folder that cannot be used is exit status 2 naming it, before anything is fitted. The tiny
 * file systems are tmpfs mounts, which need root: those tests skip themselves where mounting is impossible.
 */
class HostileOutputTest {

    @TempDir
    Path dir;

    /** Runs the real entry point in a new JVM with standard output sent to {@code stdout}. */
    private static Cli.Run process(File stdout, List<String> jvm, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process did not end");
        return new Cli.Run(p.exitValue(), "", new String(err, StandardCharsets.UTF_8));
    }

    /** Runs in this JVM with standard output going to {@code out}. */
    private static Cli.Run run(OutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Lmm4jCommand.run(args, out, e);
        }
        return new Cli.Run(exit, "", err.toString(StandardCharsets.UTF_8));
    }

    /** Exit status {@code exit} and one line on standard error (besides the paper's progress lines). */
    private static void assertOneLine(Cli.Run r, int exit, String... parts) {
        assertEquals(exit, r.exit(), r.err());
        long lines = Stream.of(r.errLines()).filter(l -> !l.startsWith("fitting 12 models")).count();
        assertEquals(1, lines, "not one line: " + r.err());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "'" + part + "' missing from: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** Mounts a tmpfs of {@code kb} KB (read-only when asked) at a new folder, or skips the test. */
    private Path tmpfs(String name, int kb, boolean readOnly) throws Exception {
        Path mount = Files.createDirectories(dir.resolve(name));
        int rc;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", (readOnly ? "ro," : "") + "size=" + kb + "k",
                    "tmpfs", mount.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            rc = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            rc = -1;
        }
        assumeTrue(rc == 0, "cannot mount a tmpfs here (needs root)");
        return mount;
    }

    private static void unmount(Path mount) throws Exception {
        new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }

    private static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fitJsonToAFullDeviceIsExitOneWithOneLine() throws Exception {
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "no /dev/full here");
        Cli.Run r = process(full, List.of(), "fit", "--format", "json");
        assertOneLine(r, 1, "standard output", "No space left on device");
        Cli.Run text = run(new FileOutputStream(full), "fit");
        assertOneLine(text, 1, "standard output", "No space left on device");
    }

    @Test
    void paperOnAFullDiskIsExitOneAndLeavesNoHalfWrittenFile() throws Exception {
        Path mount = tmpfs("small", 64, false);
        try {
            Path out = mount.resolve("p");
            Cli.Run r = Cli.run("paper", "--out", out.toString(), "--estimator", "newton");
            assertOneLine(r, 1, "cannot write", "No space left on device");
            for (String f : files(out)) {
                assertFalse(f.endsWith(".tmp"), "temporary file left behind: " + f);
                Path p = out.resolve(f);
                if (f.endsWith(".png")) {
                    assertNotNull(ImageIO.read(p.toFile()), f + " is not a whole PNG");
                } else if (f.endsWith(".svg")) {
                    assertTrue(Files.readString(p).strip().endsWith("</svg>"), f + " is cut short");
                } else {
                    assertTrue(Files.readString(p).contains("## Figures"), f + " is cut short");
                }
            }
            // standard output into a file on a full disk
            try {
                Files.write(mount.resolve("filler"), new byte[64 * 1024], java.nio.file.StandardOpenOption.CREATE);
            } catch (IOException full) {
                // the filler filled the disk, as intended
            }
            try (OutputStream o = new FileOutputStream(mount.resolve("fit.json").toFile())) {
                Cli.Run fit = run(o, "fit", "--format", "json");
                assertOneLine(fit, 1, "standard output", "No space left on device");
            }
        } finally {
            unmount(mount);
        }
    }

    @Test
    void simulateOnAFullDiskLeavesNoTruncatedCsv() throws Exception {
        Path mount = tmpfs("sim", 64, false);
        try {
            Cli.Run r = Cli.run("simulate", "--subjects", "3000", "--occasions", "5", "--out",
                    mount.resolve("sim.csv").toString());
            assertOneLine(r, 1, "sim.csv", "No space left on device");
            assertEquals(List.of(), files(mount));
        } finally {
            unmount(mount);
        }
    }

    @Test
    void paperIntoAPlaceThatCannotBeUsedIsExitTwoNamingIt() throws Exception {
        Cli.Run proc = Cli.run("paper", "--out", "/proc/lmm4j-test-out");
        assertOneLine(proc, 2, "/proc/lmm4j-test-out");
        Path file = Files.writeString(dir.resolve("existing.txt"), "keep me");
        Cli.Run existing = Cli.run("paper", "--out", file.toString());
        assertOneLine(existing, 2, file.toString(), "not a folder");
        assertEquals("keep me", Files.readString(file));
        Cli.Run simulate = Cli.run("simulate", "--subjects", "3", "--occasions", "2", "--out", dir.toString());
        assertOneLine(simulate, 2, dir.toString(), "folder");
        Cli.Run missing = Cli.run("simulate", "--subjects", "3", "--occasions", "2", "--out",
                dir.resolve("no/such/folder/sim.csv").toString());
        assertOneLine(missing, 2, "does not exist");
    }

    @Test
    void paperIntoAReadOnlyFolderIsExitTwoAndWritesNothing() throws Exception {
        Path ro = tmpfs("ro", 64, true);
        try {
            Cli.Run r = Cli.run("paper", "--out", ro.toString());
            assertOneLine(r, 2, ro.toString(), "Read-only file system");
            assertEquals(List.of(), files(ro));
            Cli.Run sub = Cli.run("paper", "--out", ro.resolve("sub").toString());
            assertOneLine(sub, 2, ro.resolve("sub").toString());
        } finally {
            unmount(ro);
        }
    }

    @Test
    void aFormulaNestedThousandsDeepIsABadInputLine() {
        String deep = "y ~ " + "(".repeat(3000) + "t" + ")".repeat(3000);
        Path csv = dir.resolve("d.csv");
        Cli.Run sim = Cli.run("simulate", "--subjects", "5", "--occasions", "3", "--out", csv.toString());
        assertEquals(0, sim.exit(), sim.err());
        Cli.Run r = Cli.run("fit", "--data", csv.toString(), "--formula", deep);
        assertOneLine(r, 2, "nested more than");
    }

    @Test
    void runningOutOfHeapSaysHowToGiveJavaMore() throws Exception {
        Path csv = dir.resolve("big.csv");
        Cli.Run sim = Cli.run("simulate", "--subjects", "100000", "--occasions", "10", "--out", csv.toString());
        assertEquals(0, sim.exit(), sim.err());
        Cli.Run r = process(dir.resolve("out.txt").toFile(), List.of("-Xmx64m"), "fit", "--data", csv.toString(),
                "--formula", "y ~ t + (t | subj)");
        assertOneLine(r, 1, "out of memory", "JAVA_OPTS=-Xmx");
    }

    @Test
    void oneHugeGroupWithAStructuredSigmaIsRefusedBeforeItRunsOutOfMemory() throws Exception {
        StringBuilder csv = new StringBuilder("subj,t,y\n");
        java.util.Random random = new java.util.Random(1);
        for (int t = 0; t < 100_000; t++) {
            csv.append("1,").append(t).append(',').append(String.format(java.util.Locale.ROOT, "%.4f", random.nextGaussian()))
                    .append('\n');
        }
        Path file = Files.writeString(dir.resolve("one.csv"), csv);
        long start = System.nanoTime();
        Cli.Run r = Cli.run("fit", "--data", file.toString(), "--formula", "y ~ t", "--group", "subj", "--residual", "cs",
                "--time", "t");
        assertOneLine(r, 2, "T = 100000", "100000 rows", "--residual scalar");
        assertTrue((System.nanoTime() - start) / 1e9 < 30, "took too long to refuse");
    }
}
