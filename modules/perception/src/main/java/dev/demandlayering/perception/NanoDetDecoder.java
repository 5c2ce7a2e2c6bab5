package dev.demandlayering.perception;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes NanoDet's generalized-focal-loss head: per stride, a grid of cells with one sigmoid score per
 * class and, per box side (left, top, right, bottom), a distribution over {@code bins} distances whose
 * expectation (softmax-weighted) times the stride is the side's distance from the cell centre. Boxes are
 * found in the network input's pixels and mapped back to the source image.
 */
public final class NanoDetDecoder implements DetectionDecoder {
    private final int inputWidth, inputHeight, bins;
    private final int[] strides;
    private final List<String> scoreOutputs, boxOutputs, classes;

    public NanoDetDecoder(int inputWidth, int inputHeight, int[] strides, int bins, List<String> scoreOutputs, List<String> boxOutputs,
                          List<String> classes) {
        if (strides.length != scoreOutputs.size() || strides.length != boxOutputs.size()) {
            throw new IllegalArgumentException("need one score and one box output per stride: " + strides.length + " strides, "
                    + scoreOutputs.size() + " score and " + boxOutputs.size() + " box outputs");
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.strides = strides;
        this.bins = bins;
        this.scoreOutputs = scoreOutputs;
        this.boxOutputs = boxOutputs;
        this.classes = classes;
    }

    /** All cells whose best class scores at least {@code threshold}, before NMS. */
    @Override
    public List<Detection> candidates(Map<String, float[]> outputs, ImageGeometry g, double threshold) {
        List<Detection> out = new ArrayList<>();
        int nc = classes.size();
        for (int s = 0; s < strides.length; s++) {
            int stride = strides[s];
            int gw = (inputWidth + stride - 1) / stride, gh = (inputHeight + stride - 1) / stride;
            float[] scores = DetectionDecoder.require(outputs, scoreOutputs.get(s), gw * gh * nc);
            float[] boxes = DetectionDecoder.require(outputs, boxOutputs.get(s), gw * gh * 4 * bins);
            for (int cell = 0; cell < gw * gh; cell++) {
                double cx = (cell % gw + 0.5) * stride, cy = (cell / gw + 0.5) * stride;
                double[] dist = null;
                for (int c = 0; c < nc; c++) {
                    float score = scores[cell * nc + c];
                    if (score < threshold) continue;
                    if (dist == null) dist = distances(boxes, cell * 4 * bins, stride);
                    out.add(new Detection(g.toSourceX(cx - dist[0]), g.toSourceY(cy - dist[1]), g.toSourceX(cx + dist[2]), g.toSourceY(cy + dist[3]),
                            c, classes.get(c), score));
                }
            }
        }
        return out;
    }

    private double[] distances(float[] boxes, int base, int stride) {
        double[] d = new double[4];
        for (int side = 0; side < 4; side++) {
            int off = base + side * bins;
            double max = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < bins; b++) max = Math.max(max, boxes[off + b]);
            double sum = 0, expect = 0;
            for (int b = 0; b < bins; b++) {
                double e = Math.exp(boxes[off + b] - max);
                sum += e;
                expect += e * b;
            }
            d[side] = expect / sum * stride;
        }
        return d;
    }
}
