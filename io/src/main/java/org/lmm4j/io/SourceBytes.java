package org.lmm4j.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.lmm4j.api.InputException;

/**
 * The bytes of a data file, read with bounds: a gzip file is decompressed on the fly; other archives (zip, and so
 * an Excel workbook; bzip2, xz, zstd) and UTF-16 text are named and refused; a zero byte in the first
 * {@value #SNIFF_BYTES} bytes (binary data, {@code /dev/zero}) or a line longer than the limit (checked block by block,
 * to within one block of {@value #BLOCK} bytes) stops the reading at once with one line naming the file, so no input
 * can make the reader run for long or fill the memory. A UTF-8 byte order mark is skipped.
 *
 * @param bytes         the buffer (only {@code [start, end)} is data)
 * @param start         first byte after a byte order mark
 * @param end           end of the data
 * @param compressed    true when the file was gzip-compressed
 * @param bytesPerLine  the mean length of the lines of the first block (to size the columns)
 */
record SourceBytes(byte[] bytes, int start, int end, boolean compressed, int bytesPerLine) {

    /** Largest data accepted (a Java array's limit). */
    static final int MAX_BYTES = Integer.MAX_VALUE - 64;

    /** Bytes read at a time (the granularity of the line-length check). */
    static final int BLOCK = 1 << 20;

    /** Bytes at the start looked at for a zero byte. */
    static final int SNIFF_BYTES = 1 << 16;

    /** Reads the stream to its end within the bounds of {@code options}; {@code source} names it in messages. */
    static SourceBytes read(InputStream raw, String source, CsvOptions options, long sizeHint) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(8);
        byte[] magic = in.readNBytes(6);
        in.reset();
        boolean gzip = magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        refuseOtherFormats(magic, source);
        InputStream data = gzip ? new GZIPInputStream(in, 1 << 16) : in;
        int capacity = (int) Math.min(MAX_BYTES, Math.max(1 << 16, gzip ? sizeHint * 4 : sizeHint + 1));
        byte[] buf = new byte[capacity];
        int size = 0;
        long sinceLineBreak = 0;
        int max = options.maxLineBytes();
        while (true) {
            if (size == buf.length) {
                if (size >= MAX_BYTES) {
                    throw new InputException(source + ": larger than 2 GB" + (gzip ? " once decompressed" : "")
                            + ", more than lmm4j reads in one piece");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(MAX_BYTES, 2L * buf.length));
            }
            int n = data.read(buf, size, Math.min(BLOCK, buf.length - size));
            if (n < 0) {
                break;
            }
            if (size < SNIFF_BYTES) {
                for (int i = size, to = Math.min(size + n, SNIFF_BYTES); i < to; i++) {
                    if (buf[i] == 0) {
                        throw new InputException(source + ": a zero byte at byte " + (i + 1) + " — this is binary "
                                + "data, not a text (CSV) file");
                    }
                }
            }
            int last = size + n - 1;
            while (last >= size && buf[last] != '\n' && buf[last] != '\r') {
                last--;
            }
            sinceLineBreak = last >= size ? size + n - 1 - last : sinceLineBreak + n;
            size += n;
            if (sinceLineBreak > max) {
                throw new InputException(source + ": a line longer than " + max + " bytes (at byte " + size
                        + ") — not a CSV file of one row per line (binary data, or a file without line breaks?)");
            }
        }
        int start = size >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF ? 3 : 0;
        int sample = Math.min(size, SNIFF_BYTES);
        int breaks = 1;
        for (int i = 0; i < sample; i++) {
            if (buf[i] == '\n') {
                breaks++;
            }
        }
        return new SourceBytes(buf, start, size, gzip, Math.max(1, sample / breaks));
    }

    /** An estimate of the number of lines in {@code bytes} bytes (at least, for sizing; 10% spare). */
    int linesIn(int bytes) {
        return (int) Math.min(Integer.MAX_VALUE - 16, (long) bytes / bytesPerLine * 11 / 10 + 16);
    }

    private static void refuseOtherFormats(byte[] m, String source) {
        String what = null;
        if (m.length >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) {
            what = "a zip archive (an Excel .xlsx workbook is one): unzip it, or export the sheet as CSV";
        } else if (m.length >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
            what = "bzip2-compressed: decompress it (bunzip2) or recompress it with gzip, which lmm4j reads";
        } else if (m.length >= 6 && (m[0] & 0xff) == 0xFD && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z') {
            what = "xz-compressed: decompress it (unxz) or recompress it with gzip, which lmm4j reads";
        } else if (m.length >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xB5 && (m[2] & 0xff) == 0x2F
                && (m[3] & 0xff) == 0xFD) {
            what = "zstd-compressed: decompress it (unzstd) or recompress it with gzip, which lmm4j reads";
        } else if (m.length >= 2 && (((m[0] & 0xff) == 0xFF && (m[1] & 0xff) == 0xFE)
                || ((m[0] & 0xff) == 0xFE && (m[1] & 0xff) == 0xFF))) {
            what = "UTF-16 text: save it as UTF-8 CSV";
        }
        if (what != null) {
            throw new InputException(source + ": the file is " + what);
        }
    }
}
