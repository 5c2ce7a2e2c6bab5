package dev.demandlayering.perception;

/**
 * The heads' thresholds, written once: a detection's least class score, the IoU above which NMS drops a
 * lower-scoring box of the same class, the most detections a frame keeps, and the probability at which a mask pixel
 * takes its class. The node's parameters of the same names default to {@link #DEFAULTS}.
 */
public record HeadSettings(double scoreThreshold, double nmsIou, int maxDetections, double maskThreshold) {
    public static final HeadSettings DEFAULTS = new HeadSettings(0.35, 0.5, 100, 0.5);

    public HeadSettings {
        requireFraction(scoreThreshold, "score_threshold");
        requireFraction(nmsIou, "nms_iou");
        requireFraction(maskThreshold, "mask_threshold");
        if (maxDetections < 1) throw new IllegalArgumentException("max_detections must be at least 1, got " + maxDetections);
    }

    public HeadSettings withScoreThreshold(double score) {
        return new HeadSettings(score, nmsIou, maxDetections, maskThreshold);
    }

    private static void requireFraction(double v, String name) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be between 0 and 1, got " + v);
    }
}
