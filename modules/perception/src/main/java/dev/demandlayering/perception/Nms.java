package dev.demandlayering.perception;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Class-aware non-maximum suppression: a box is dropped when a higher-scoring box of its class overlaps it too much. */
public final class Nms {
    private Nms() {
    }

    public static List<Detection> apply(List<Detection> candidates, double iouThreshold, int maxDetections) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            if (kept.size() >= maxDetections) break;
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.classId() == d.classId() && k.iou(d) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) kept.add(d);
        }
        return kept;
    }
}
