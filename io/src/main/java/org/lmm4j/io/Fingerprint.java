package org.lmm4j.io;

import java.util.HexFormat;
import net.openhft.hashing.LongHashFunction;

/**
 * The fingerprint of a data file recorded in a fit's provenance: xxHash64 (seed 0) of the bytes read — after gzip
 * decompression and without a byte order mark — as 16 hex digits. Not cryptographic: it tells data sets apart,
 * at several GB/s, and changes with any byte.
 */
final class Fingerprint {

    private Fingerprint() {
    }

    /** xxHash64 of {@code b[from, to)}, 16 hex digits. */
    static String of(byte[] b, int from, int to) {
        return HexFormat.of().toHexDigits(LongHashFunction.xx().hashBytes(b, from, to - from));
    }
}
