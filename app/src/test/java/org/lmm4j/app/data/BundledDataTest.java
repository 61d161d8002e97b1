package org.lmm4j.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lmm4j.data.DataTable;

/** The bundled dental data is read from the class path with its four columns and 108 rows. */
class BundledDataTest {

    @Test
    void bundledDentalData() {
        DataTable t = BundledData.dental();
        assertEquals(List.of("distance", "age", "Subject", "Sex"), t.names());
        assertEquals(108, t.rows());
        assertEquals("M01", t.column("Subject")[0]);
    }
}
