package org.lmm4j.likelihood;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The lmm4j version, read from the build-filtered {@code lmm4j-version.properties}. */
public final class Version {

    private Version() {
    }

    /** The version string, or {@code unknown} when the resource is missing. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/lmm4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
