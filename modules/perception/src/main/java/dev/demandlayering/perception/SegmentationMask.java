package dev.demandlayering.perception;

/**
 * A per-pixel class-id mask at the source image's resolution. Built from a one-channel probability map over
 * the model input (class 1 where the probability, bilinearly resampled to each source pixel, reaches the
 * threshold).
 */
public record SegmentationMask(int width, int height, byte[] classIds) {
    /**
     * @param geometry where the source image sat in the model input; the map covers the whole input
     *     ({@code mapWidth} x {@code mapHeight} cells over {@code geometry.inputWidth()} x {@code inputHeight()})
     */
    public static SegmentationMask fromProbability(float[] prob, int mapWidth, int mapHeight, ImageGeometry geometry, float threshold) {
        if (prob.length != mapWidth * mapHeight) {
            throw new IllegalArgumentException("probability map has " + prob.length + " values, expected " + mapWidth + "x" + mapHeight);
        }
        int width = geometry.sourceWidth(), height = geometry.sourceHeight();
        double mx = mapWidth / (double) geometry.inputWidth(), my = mapHeight / (double) geometry.inputHeight();
        byte[] ids = new byte[width * height];
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, Math.min(mapHeight - 1, geometry.toInputY(y + 0.5) * my - 0.5));
            int y0 = (int) sy, y1 = Math.min(mapHeight - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, Math.min(mapWidth - 1, geometry.toInputX(x + 0.5) * mx - 0.5));
                int x0 = (int) sx, x1 = Math.min(mapWidth - 1, x0 + 1);
                double fx = sx - x0;
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
