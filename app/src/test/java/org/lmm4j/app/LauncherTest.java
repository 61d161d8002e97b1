package org.lmm4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lmm4j} launcher's class-data sharing, run as a shell script on a copy of the repository
 * root whose jar is a probe (a main class that prints its arguments and the archive options its JVM
 * was given): the archive is built beside the jar on first use and used afterwards, rebuilt when the
 * jar is newer, and skipped without a word (same output, same exit status) where the directory cannot
 * be written or the JVM cannot build it.
 */
class LauncherTest {

    /** The probe the test jar runs: prints "probe ARGS | ARCHIVE-OPTIONS"; exits with 3 when asked. */
    public static final class Probe {
        public static void main(String[] args) {
            String archive = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.contains("SharedArchiveFile") || a.contains("AOTCache") || a.contains("ArchiveClassesAtExit"))
                    .collect(Collectors.joining(" "));
            System.out.println("probe " + String.join(" ", args) + " | " + archive);
            if (List.of(args).contains("exit3")) {
                System.exit(3);
            }
        }
    }

    private record Result(int exit, String out, String err) {
    }

    @TempDir
    Path root;

    private Path target;

    @BeforeEach
    void copyLauncherAndProbeJar() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the launcher is a bash script");
        Path launcher = repositoryRoot().resolve("lmm4j");
        Files.copy(launcher, root.resolve("lmm4j"));
        root.resolve("lmm4j").toFile().setExecutable(true, false);
        target = Files.createDirectories(root.resolve("app/target"));
        writeProbeJar(null);
        // the jar is older than now, so that a freshly written archive counts as newer
        Files.setLastModifiedTime(target.resolve("lmm4j.jar"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    /** The probe jar; with {@code padding}, an extra entry of that name (another jar of another size). */
    private void writeProbeJar(String padding) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target.resolve("lmm4j.jar")), m);
             InputStream in = Probe.class.getResourceAsStream("/" + entry)) {
            jar.putNextEntry(new JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
            if (padding != null) {
                jar.putNextEntry(new JarEntry(padding));
                jar.write(new byte[4096]);
                jar.closeEntry();
            }
        }
    }

    @Test
    void archiveIsBuiltOnFirstUseUsedAfterAndRebuiltWhenTheJarChanges() throws Exception {
        Result first = launch(List.of(), "list");
        assertEquals(0, first.exit(), first.err());
        assertEquals("", first.err());
        Path archive = archive();
        assertTrue(first.out().strip().matches("probe list \\| -XX:(SharedArchiveFile|AOTCache)=\\S+"), first.out());
        assertTrue(first.out().contains(archive.toString()), first.out());

        Result second = launch(List.of(), "fit", "exit3");
        assertEquals(3, second.exit(), "the launcher passes the exit status through");
        assertEquals("probe fit exit3 | " + first.out().strip().substring("probe list | ".length()), second.out().strip());
        assertEquals("", second.err());

        // the jar changes: an archive older than it is replaced before it is used
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 120_000);
        Files.setLastModifiedTime(archive, old);
        Result third = launch(List.of(), "list");
        assertEquals(0, third.exit());
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(target.resolve("lmm4j.jar"))) > 0,
                "the archive was rebuilt");
        assertTrue(third.out().contains(archive.toString()), third.out());

        // a jar replaced behind the launcher's back (older than the archive): the JVM refuses the
        // archive, and its warning about it is not shown
        writeProbeJar("padding");
        Files.setLastModifiedTime(target.resolve("lmm4j.jar"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Result fourth = launch(List.of(), "list");
        assertEquals(0, fourth.exit());
        assertEquals(third.out(), fourth.out());
        assertEquals("", fourth.err());
    }

    @Test
    void anUnwritableDirectoryMeansNoArchiveAndNoMessage() throws Exception {
        List<String> asOther = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            // root writes anywhere: run the launcher as nobody, for whom app/target is read-only
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed to drop root");
            asOther = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            for (Path p : List.of(root, root.resolve("app"), target, target.resolve("lmm4j.jar"), root.resolve("lmm4j"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || p.endsWith("lmm4j") ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Result r = launch(asOther, "list");
            assertEquals(0, r.exit(), r.err());
            assertEquals("probe list |", r.out().strip());
            assertEquals("", r.err());
            try (Stream<Path> files = Files.list(target)) {
                assertEquals(List.of(target.resolve("lmm4j.jar")), files.toList());
            }
        } finally {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aJvmThatCannotBuildTheArchiveIsSkippedSilentlyAndNotAskedAgain() throws Exception {
        // a "JVM" whose training runs fail noisily; every other run is the real java
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Path home = Files.createDirectories(root.resolve("jdk/bin"));
        Files.writeString(root.resolve("jdk/release"), Files.readString(Path.of(System.getProperty("java.home"), "release")));
        Path log = root.resolve("training.log");
        Path fake = home.resolve("java");
        Files.writeString(fake, "#!/bin/bash\nfor a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*|-XX:AOTCacheOutput=*)\n"
                + "  echo training >> '" + log + "'; echo 'noise on stdout'; echo 'Error: cannot dump' >&2; exit 1 ;; esac; done\n"
                + "exec '" + realJava + "' \"$@\"\n");
        fake.toFile().setExecutable(true, false);
        for (int i = 0; i < 2; i++) {
            Result r = launch(List.of(), List.of("JAVA=" + fake), "list");
            assertEquals(0, r.exit(), r.err());
            assertEquals("probe list |", r.out().strip());
            assertEquals("", r.err());
        }
        assertEquals(List.of("training"), Files.readAllLines(log), "one failed attempt, then no more until the jar changes");
    }

    private Path archive() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            List<Path> archives = files.filter(p -> p.getFileName().toString().matches("lmm4j-\\d+-[A-Za-z0-9._-]+\\.(jsa|aot)")).toList();
            assertEquals(1, archives.size(), "one archive beside the jar: " + archives);
            return archives.get(0);
        }
    }

    private Result launch(List<String> prefix, String... args) throws Exception {
        return launch(prefix, List.of(), args);
    }

    private Result launch(List<String> prefix, List<String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(root.resolve("lmm4j").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("LMM4J_CDS");
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the launcher ended");
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("lmm4j")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no lmm4j launcher above " + Path.of("").toAbsolutePath());
    }
}
