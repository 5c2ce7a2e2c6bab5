package dev.demandlayering.runtime.layers;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.util.HashMap;
import java.util.Map;

/**
 * Floating-point operations of a model's products (Conv, ConvTranspose, Gemm, MatMul), two per multiply-add: what
 * GFLOPS figures are computed from. Element-wise work, pooling and data movement are not counted.
 */
public final class Flops {
    private Flops() {
    }

    public static long of(LayeredModel m) {
        long sum = 0;
        for (Layer l : m.layers()) {
            Map<String, int[]> shapes = new HashMap<>(m.activationShapes());
            for (Layer.WeightRef w : l.weights()) shapes.put(w.name(), w.shape());
            for (Node n : l.nodes()) sum += of(n, shapes);
        }
        return sum;
    }

    static long of(Node n, Map<String, int[]> shapes) {
        int[] y = shapes.get(n.outputs().get(0));
        if (y == null) return 0;
        switch (n.opType()) {
            case "Conv" -> {
                int[] w = shapes.get(n.input(1));
                return 2L * Shapes.size(y) * w[1] * w[2] * w[3];
            }
            case "ConvTranspose" -> {
                int[] x = shapes.get(n.input(0)), w = shapes.get(n.input(1));
                return 2L * Shapes.size(x) * w[1] * w[2] * w[3];
            }
            case "Gemm" -> {
                int[] a = shapes.get(n.input(0));
                boolean ta = n.attributes().getInt("transA", 0) == 1;
                return 2L * Shapes.size(y) * (ta ? a[0] : a[1]);
            }
            case "MatMul" -> {
                int[] a = shapes.get(n.input(0));
                return 2L * Shapes.size(y) * a[a.length - 1];
            }
            default -> {
                return 0;
            }
        }
    }
}
