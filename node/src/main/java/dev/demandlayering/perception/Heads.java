package dev.demandlayering.perception;

import dev.demandlayering.models.ModelManifest;
import java.util.List;
import java.util.Map;

/** Builds a model's output head from its manifest's {@code outputs} section, with a clear error per missing field. */
public final class Heads {
    private Heads() {
    }

    /** The decoder for the manifest's {@code outputs.layout}: nanodet-gfl, yolov5, yolov8 or ssd. */
    public static DetectionDecoder detection(ModelManifest m) {
        Map<String, Object> o = m.outputs();
        String layout = String.valueOf(o.get("layout"));
        int[] shape = m.inputShape();
        boolean nchw = m.preprocessing().layout().equals("NCHW");
        int h = nchw ? shape[2] : shape[1], w = nchw ? shape[3] : shape[2];
        return switch (layout) {
            case "nanodet-gfl" -> new NanoDetDecoder(w, h, ints(m, o, "strides"), ((Number) field(m, o, "reg_bins")).intValue(),
                    strings(m, o, "scores"), strings(m, o, "boxes"), m.classes());
            case "yolov5", "yolov8" -> new YoloDecoder(layout, w, h, ((Number) field(m, o, "anchors")).intValue(), String.valueOf(field(m, o, "output")),
                    m.classes());
            case "ssd" -> new SsdDecoder(((Number) field(m, o, "anchors")).intValue(), String.valueOf(field(m, o, "boxes")),
                    String.valueOf(field(m, o, "scores")), m.classes());
            default -> throw new IllegalArgumentException(m.source() + ": detection output layout '" + layout
                    + "' is not supported (nanodet-gfl, yolov5, yolov8, ssd)");
        };
    }

    /** The name of the probability output of a sigmoid-mask segmenter. */
    public static String maskOutput(ModelManifest m) {
        Map<String, Object> o = m.outputs();
        if (!"sigmoid-mask".equals(String.valueOf(o.get("layout")))) {
            throw new IllegalArgumentException(m.source() + ": segmentation output layout '" + o.get("layout") + "' is not supported (sigmoid-mask)");
        }
        return String.valueOf(field(m, o, "mask"));
    }

    /** A sigmoid-mask segmenter's outputs as a class-id mask at {@code img}'s resolution. */
    public static SegmentationMask mask(ModelManifest m, Map<String, float[]> outputs, RgbImage img, float threshold) {
        int[] hw = m.preprocessing().inputSize(m.inputShape());
        return SegmentationMask.fromProbability(outputs.get(maskOutput(m)), hw[1], hw[0], m.preprocessing().geometry(img, m.inputShape()), threshold);
    }

    private static Object field(ModelManifest m, Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (v == null) throw new IllegalArgumentException(m.source() + ": outputs." + key + " is missing");
        return v;
    }

    private static int[] ints(ModelManifest m, Map<String, Object> o, String key) {
        return ((List<?>) field(m, o, key)).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    private static List<String> strings(ModelManifest m, Map<String, Object> o, String key) {
        return ((List<?>) field(m, o, key)).stream().map(String::valueOf).toList();
    }
}
