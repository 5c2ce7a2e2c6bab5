package dev.demandlayering.perception;

/**
 * The pixel size a JPEG or PNG stream declares, read from its header without decoding it, so an image too
 * large to decode safely (a 1 MB PNG can claim 100000 x 100000 pixels) is refused before any pixel memory is taken.
 */
public final class ImageHeader {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageHeader() {
    }

    /** {width, height} from a PNG IHDR or a JPEG start-of-frame marker; null when the stream is neither or is cut before it. */
    public static long[] size(byte[] b) {
        if (b.length >= 24 && java.util.Arrays.equals(b, 0, 8, PNG, 0, 8)) return new long[] {u32(b, 16), u32(b, 20)};
        if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) return jpeg(b);
        return null;
    }

    private static long[] jpeg(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xff) != 0xff) return null;
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { // markers without a length
                i += 2;
                continue;
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not
            boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof) {
                if (i + 9 > b.length) return null;
                long h = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                long w = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                return new long[] {w, h};
            }
            if (marker == 0xda || len < 2) return null; // scan data before any frame header: not a usable JPEG
            i += 2 + len;
        }
        return null;
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
