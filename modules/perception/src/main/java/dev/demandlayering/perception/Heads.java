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

    /** The name of the mask output of a segmenter (layout sigmoid-mask or softmax-mask). */
    public static String maskOutput(ModelManifest m) {
        Map<String, Object> o = m.outputs();
        String layout = String.valueOf(o.get("layout"));
        if (!"sigmoid-mask".equals(layout) && !"softmax-mask".equals(layout)) {
            throw new IllegalArgumentException(m.source() + ": segmentation output layout '" + layout
                    + "' is not supported (sigmoid-mask, softmax-mask)");
        }
        if ("softmax-mask".equals(layout)) {
            int c = ((Number) field(m, o, "channel")).intValue();
            if (c < 0) throw new IllegalArgumentException(m.source() + ": outputs.channel must be 0 or more, got " + c);
        }
        return String.valueOf(field(m, o, "mask"));
    }

    /**
     * A segmenter's outputs as a class-id mask at {@code img}'s resolution: a sigmoid-mask output is already the
     * per-pixel probability; a softmax-mask output holds one logit per class, channels last, and the probability
     * is the softmax's {@code outputs.channel}.
     */
    public static SegmentationMask mask(ModelManifest m, Map<String, float[]> outputs, RgbImage img, float threshold) {
        int[] hw = m.preprocessing().inputSize(m.inputShape());
        String name = maskOutput(m);
        float[] out = outputs.get(name);
        if (out == null) throw new IllegalArgumentException(m.source() + ": the model produced no output '" + name + "'");
        float[] prob = "softmax-mask".equals(String.valueOf(m.outputs().get("layout")))
                ? softmaxChannel(m, out, hw[0] * hw[1], ((Number) m.outputs().get("channel")).intValue()) : out;
        return SegmentationMask.fromProbability(prob, hw[1], hw[0], Preprocessor.geometry(m.preprocessing(), img, m.inputShape()), threshold);
    }

    /** Channel {@code c} of the softmax over the channels of a channels-last map of {@code pixels} cells. */
    static float[] softmaxChannel(ModelManifest m, float[] logits, int pixels, int c) {
        if (logits.length % pixels != 0) {
            throw new IllegalArgumentException(m.source() + ": mask output has " + logits.length + " values, not a multiple of the "
                    + pixels + " input pixels");
        }
        int channels = logits.length / pixels;
        if (c >= channels) throw new IllegalArgumentException(m.source() + ": outputs.channel " + c + " but the mask output has " + channels + " channels");
        float[] p = new float[pixels];
        for (int i = 0; i < pixels; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int k = 0; k < channels; k++) max = Math.max(max, logits[i * channels + k]);
            for (int k = 0; k < channels; k++) sum += Math.exp(logits[i * channels + k] - max);
            p[i] = (float) (Math.exp(logits[i * channels + c] - max) / sum);
        }
        return p;
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
