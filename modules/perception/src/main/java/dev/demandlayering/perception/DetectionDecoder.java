package dev.demandlayering.perception;

import java.util.List;
import java.util.Map;

/** Turns a detector's raw outputs into candidate boxes in source-image pixels (before NMS). */
public interface DetectionDecoder {
    /** @param geometry where the source image sat in the model input (stretched or letterboxed) */
    List<Detection> candidates(Map<String, float[]> outputs, ImageGeometry geometry, double threshold);

    static float[] require(Map<String, float[]> outputs, String name, int size) {
        float[] v = outputs.get(name);
        if (v == null) throw new IllegalArgumentException("the model has no output '" + name + "'; it has " + outputs.keySet());
        if (v.length != size) throw new IllegalArgumentException("output '" + name + "' has " + v.length + " values, the decoder expects " + size);
        return v;
    }
}
