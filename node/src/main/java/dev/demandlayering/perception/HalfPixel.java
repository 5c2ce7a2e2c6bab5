package dev.demandlayering.perception;

/**
 * Bilinear sampling positions with half-pixel centres (as TF's resize_bilinear(half_pixel_centers) and
 * OpenCV's resize): output index {@code o} of {@code outLen} reads input {@code i0} and {@code i1} of
 * {@code inLen}, weighted 1 - f and f.
 */
record HalfPixel(int i0, int i1, double f) {
    static HalfPixel of(int o, int outLen, int inLen) {
        double s = Math.max(0, Math.min(inLen - 1, (o + 0.5) * inLen / outLen - 0.5));
        int i0 = (int) s;
        return new HalfPixel(i0, Math.min(inLen - 1, i0 + 1), s - i0);
    }
}
