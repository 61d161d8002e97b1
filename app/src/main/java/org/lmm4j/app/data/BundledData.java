package org.lmm4j.app.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.lmm4j.data.DataTable;
import org.lmm4j.io.CsvTableReader;

/**
 * The data sets shipped inside lmm4j. {@link #dental()} is the Potthoff–Roy dental growth data the
 * paper analyses: 27 children (16 boys, 11 girls), the distance (mm) from the pituitary to the
 * pterygomaxillary fissure at ages 8, 10, 12 and 14; columns {@code distance, age, Subject, Sex}.
 */
public final class BundledData {

    /** The name that selects the bundled dental data on the command line ({@code --data dental}). */
    public static final String DENTAL = "dental";

    private static final String DENTAL_RESOURCE = "/data/orthodont.csv";

    private BundledData() {
    }

    /** The dental data (108 rows), read from the class path. */
    public static DataTable dental() {
        try (InputStream in = BundledData.class.getResourceAsStream(DENTAL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled resource " + DENTAL_RESOURCE + " is missing from the build");
            }
            return CsvTableReader.read(in, "dental (bundled orthodont.csv)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
