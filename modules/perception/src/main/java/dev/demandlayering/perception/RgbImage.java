package dev.demandlayering.perception;

/** 8-bit RGB pixels, interleaved, row-major: what every image source is turned into before preprocessing. */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + (long) width * height * 3 + " bytes, got " + rgb.length);
        }
    }

    /** Channel c (0 R, 1 G, 2 B) of pixel (x, y), 0..255. */
    public int at(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
