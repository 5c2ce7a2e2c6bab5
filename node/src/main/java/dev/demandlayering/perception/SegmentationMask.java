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
            double sy = Math.max(0, Math.min(mapHeight - 1, (y + 0.5) * mapHeight / height - 0.5));
            int y0 = (int) sy, y1 = Math.min(mapHeight - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, Math.min(mapWidth - 1, (x + 0.5) * mapWidth / width - 0.5));
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
