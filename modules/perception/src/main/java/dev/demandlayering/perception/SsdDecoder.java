package dev.demandlayering.perception;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SSD heads with boxes already decoded against their priors, as TF and ONNX SSD exports emit them: a boxes
 * output [N, 4] of normalised (ymin, xmin, ymax, xmax) and a scores output [N, C] whose class 0 is the
 * background. Boxes are mapped back to the source image.
 */
public final class SsdDecoder implements DetectionDecoder {
    private final int anchors;
    private final String boxes, scores;
    private final List<String> classes;

    public SsdDecoder(int anchors, String boxes, String scores, List<String> classes) {
        this.anchors = anchors;
        this.boxes = boxes;
        this.scores = scores;
        this.classes = classes;
    }

    @Override
    public List<Detection> candidates(Map<String, float[]> outputs, ImageGeometry g, double threshold) {
        int nc = classes.size();
        float[] b = DetectionDecoder.require(outputs, boxes, anchors * 4);
        float[] s = DetectionDecoder.require(outputs, scores, anchors * nc);
        List<Detection> out = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            for (int c = 1; c < nc; c++) { // 0 is the background
                float score = s[a * nc + c];
                if (score < threshold) continue;
                // normalised over the model input: to input pixels, then to the source
                double y1 = g.toSourceY(clamp(b[4 * a]) * g.inputHeight()), x1 = g.toSourceX(clamp(b[4 * a + 1]) * g.inputWidth());
                double y2 = g.toSourceY(clamp(b[4 * a + 2]) * g.inputHeight()), x2 = g.toSourceX(clamp(b[4 * a + 3]) * g.inputWidth());
                out.add(new Detection(x1, y1, x2, y2, c, classes.get(c), score));
            }
        }
        return out;
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }
}
