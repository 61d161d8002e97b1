package org.lmm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The fingerprints' 16 hexadecimal digits are the formatter's {@code %016x}, leading zeros and sign bit included. */
class FingerprintSpellingProperties {

    @Property
    void hexIsTheFormattersSixteenDigits(@ForAll long v) {
        assertEquals(String.format("%016x", v), DataMoments.hex(v));
    }

    @Property(tries = 200)
    void smallValuesKeepTheirLeadingZeros(@ForAll byte shift) {
        long v = 1L << (Math.abs(shift) % 64);
        assertEquals(16, DataMoments.hex(v).length());
        assertEquals(String.format("%016x", v), DataMoments.hex(v));
    }
}
