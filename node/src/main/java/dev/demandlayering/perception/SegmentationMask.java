package dev.demandlayering.perception;

/**
 * A per-pixel class-id mask at the source image's resolution. Built from a one-channel probability map
 * (class 1 where the probability, bilinearly resampled to the source size, reaches the threshold).
 */
public record SegmentationMask(int width, int height, byte[] classIds) {
    public static SegmentationMask fromProbability(float[] prob, int mapWidth, int mapHeight, int width, int height, float threshold) {
        if (prob.length != mapWidth * mapHeight) {
            throw new IllegalArgumentException("probability map has " + prob.length + " values, expected " + mapWidth + "x" + mapHeight);
        }
        byte[] ids = new byte[width * height];
        for (int y = 0; y < height; y++) {
            HalfPixel py = HalfPixel.of(y, height, mapHeight);
            int y0 = py.i0(), y1 = py.i1();
            double fy = py.f();
            for (int x = 0; x < width; x++) {
                HalfPixel px = HalfPixel.of(x, width, mapWidth);
                int x0 = px.i0(), x1 = px.i1();
                double fx = px.f();
                double p = (prob[y0 * mapWidth + x0] * (1 - fx) + prob[y0 * mapWidth + x1] * fx) * (1 - fy)
                        + (prob[y1 * mapWidth + x0] * (1 - fx) + prob[y1 * mapWidth + x1] * fx) * fy;
                ids[y * width + x] = (byte) (p >= threshold ? 1 : 0);
            }
        }
        return new SegmentationMask(width, height, ids);
    }

    /** Fraction of pixels labelled {@code classId}. */
    public double coverage(int classId) {
        int n = 0;
        for (byte b : classIds) if (b == classId) n++;
        return n / (double) classIds.length;
    }
}
