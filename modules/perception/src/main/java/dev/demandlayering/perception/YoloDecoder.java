package dev.demandlayering.perception;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * YOLO-family heads as ONNX exports emit them, boxes already decoded to input pixels (centre x, centre y,
 * width, height): {@code yolov5} is [N, 5 + C] rows (box, objectness, class scores; score = objectness x
 * class), {@code yolov8} is [4 + C, N] columns (box, class scores). Boxes are mapped back to the source
 * image (through the stretch or letterbox).
 */
public final class YoloDecoder implements DetectionDecoder {
    private final boolean v8;
    private final int inputWidth, inputHeight, anchors;
    private final String output;
    private final List<String> classes;

    public YoloDecoder(String layout, int inputWidth, int inputHeight, int anchors, String output, List<String> classes) {
        if (!layout.equals("yolov5") && !layout.equals("yolov8")) throw new IllegalArgumentException("YOLO layout must be yolov5 or yolov8, got " + layout);
        this.v8 = layout.equals("yolov8");
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.anchors = anchors;
        this.output = output;
        this.classes = classes;
    }

    @Override
    public List<Detection> candidates(Map<String, float[]> outputs, ImageGeometry g, double threshold) {
        int nc = classes.size(), fields = (v8 ? 4 : 5) + nc;
        float[] o = DetectionDecoder.require(outputs, output, anchors * fields);
        List<Detection> out = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            final int anchor = a;
            java.util.function.IntToDoubleFunction f = v8 ? k -> o[k * anchors + anchor] : k -> o[anchor * fields + k];
            double obj = v8 ? 1 : f.applyAsDouble(4);
            if (obj < threshold) continue;
            int first = v8 ? 4 : 5;
            for (int c = 0; c < nc; c++) {
                double score = obj * f.applyAsDouble(first + c);
                if (score < threshold) continue;
                double cx = f.applyAsDouble(0), cy = f.applyAsDouble(1), w = f.applyAsDouble(2), h = f.applyAsDouble(3);
                out.add(new Detection(g.toSourceX(cx - w / 2), g.toSourceY(cy - h / 2), g.toSourceX(cx + w / 2), g.toSourceY(cy + h / 2), c,
                        classes.get(c), score));
            }
        }
        return out;
    }
}
