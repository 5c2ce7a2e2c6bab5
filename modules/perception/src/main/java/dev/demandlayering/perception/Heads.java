package dev.demandlayering.perception;

import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.OutputLayout;
import java.util.Map;

/** Builds a model's output head from its manifest's typed {@code outputs} layout. */
public final class Heads {
    private Heads() {
    }

    /** The decoder for a detection layout: nanodet-gfl, yolov5, yolov8 or ssd. */
    public static DetectionDecoder detection(ModelManifest m) {
        int[] hw = m.preprocessing().inputSize(m.inputShape());
        int h = hw[0], w = hw[1];
        OutputLayout o = m.outputs();
        if (o instanceof OutputLayout.NanoDetGfl n) {
            return new NanoDetDecoder(w, h, n.strides().stream().mapToInt(Integer::intValue).toArray(), n.regBins(), n.scores(), n.boxes(), m.classes());
        }
        if (o instanceof OutputLayout.Yolo y) return new YoloDecoder(y.version(), w, h, y.anchors(), y.output(), m.classes());
        if (o instanceof OutputLayout.Ssd d) return new SsdDecoder(d.anchors(), d.boxes(), d.scores(), m.classes());
        throw new IllegalArgumentException(m.source() + ": a detector needs a detection outputs.layout ("
                + String.join(", ", OutputLayout.DETECTION_LAYOUTS) + "), got '" + o.name() + "'");
    }

    /** A segmenter's mask layout (sigmoid-mask or softmax-mask). */
    public static OutputLayout.Mask maskLayout(ModelManifest m) {
        if (m.outputs() instanceof OutputLayout.Mask mask) return mask;
        throw new IllegalArgumentException(m.source() + ": a segmenter needs a mask outputs.layout ("
                + String.join(", ", OutputLayout.MASK_LAYOUTS) + "), got '" + m.outputs().name() + "'");
    }

    /**
     * A segmenter's outputs as a class-id mask at {@code img}'s resolution: a sigmoid-mask output is already the
     * per-pixel probability; a softmax-mask output holds one logit per class, channels last, and the probability
     * is the softmax's {@code outputs.channel}.
     */
    public static SegmentationMask mask(ModelManifest m, Map<String, float[]> outputs, RgbImage img, float threshold) {
        int[] hw = m.preprocessing().inputSize(m.inputShape());
        OutputLayout.Mask layout = maskLayout(m);
        float[] out = outputs.get(layout.mask());
        if (out == null) throw new IllegalArgumentException(m.source() + ": the model produced no output '" + layout.mask() + "'");
        float[] prob = layout instanceof OutputLayout.SoftmaxMask soft ? softmaxChannel(m, out, hw[0] * hw[1], soft.channel()) : out;
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
}
