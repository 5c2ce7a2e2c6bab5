package dev.demandlayering.perception;

import java.util.List;
import java.util.Locale;

/** What one model made of one frame: its detections, its class mask, or the reason its head failed. */
public sealed interface ModelResult {
    String model();

    /** One line for logs and diagnostics, e.g. "3 detections" or "41.2% person". */
    String summary();

    record Detections(String model, List<Detection> detections) implements ModelResult {
        @Override
        public String summary() {
            return detections.size() + " detections";
        }
    }

    /** {@code className}: the name of class 1, the one whose coverage the summary gives. */
    record Mask(String model, SegmentationMask mask, String className) implements ModelResult {
        @Override
        public String summary() {
            return String.format(Locale.ROOT, "%.1f%% %s", 100 * mask.coverage(1), className);
        }
    }

    /** The head threw on this frame's outputs; the other models' results stand. */
    record Failed(String model, Throwable error) implements ModelResult {
        @Override
        public String summary() {
            return "failed: " + (error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName());
        }
    }
}
