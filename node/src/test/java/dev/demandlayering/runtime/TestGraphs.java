package dev.demandlayering.runtime;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.util.List;
import java.util.Random;

/** Small CNNs built in code with seeded random weights, for tests that need many layers of known sizes. */
final class TestGraphs {
    private TestGraphs() {
    }

    /**
     * input[1,3,H,W] -> Conv+BN -> Relu -> MaxPool -> Conv -> LeakyRelu -> depthwise Conv -> SiLU -> Conv(wide)
     * -> GlobalAveragePool -> Flatten -> Gemm -> Softmax: nine layers, one with weights much larger than the rest.
     */
    static Graph smallCnn(long seed, int size) {
        Random r = new Random(seed);
        Graph g = new Graph("cnn" + seed);
        g.inputs().put("x", new int[] {1, 3, size, size});
        conv(g, r, "c1", "x", "c1o", 8, 3, 3, 1, 1, 1);
        bn(g, r, "bn1", "c1o", "b1o", 8);
        g.nodes().add(node("Relu", "r1", List.of("b1o"), "r1o", new Attributes()));
        g.nodes().add(node("MaxPool", "p1", List.of("r1o"), "p1o", new Attributes().put("kernel_shape", new int[] {2, 2}).put("strides", new int[] {2, 2})));
        conv(g, r, "c2", "p1o", "c2o", 16, 8, 3, 1, 1, 1);
        g.nodes().add(node("LeakyRelu", "l2", List.of("c2o"), "l2o", new Attributes().put("alpha", 0.1f)));
        conv(g, r, "c3", "l2o", "c3o", 16, 1, 3, 2, 1, 16);
        g.nodes().add(node("Sigmoid", "s3", List.of("c3o"), "s3o", new Attributes()));
        g.nodes().add(node("Mul", "m3", List.of("c3o", "s3o"), "m3o", new Attributes()));
        conv(g, r, "c4", "m3o", "c4o", 64, 16, 3, 1, 1, 1);
        g.nodes().add(node("Relu", "r4", List.of("c4o"), "r4o", new Attributes()));
        conv(g, r, "c5", "r4o", "c5o", 32, 64, 1, 1, 0, 1);
        g.nodes().add(node("GlobalAveragePool", "gap", List.of("c5o"), "gapo", new Attributes()));
        g.nodes().add(node("Flatten", "fl", List.of("gapo"), "flo", new Attributes()));
        g.constants().put("fcW", random(r, new int[] {10, 32}));
        g.constants().put("fcB", random(r, new int[] {10}));
        g.nodes().add(node("Gemm", "fc", List.of("flo", "fcW", "fcB"), "fco", new Attributes().put("transB", 1)));
        g.nodes().add(node("Softmax", "sm", List.of("fco"), "y", new Attributes().put("axis", 1)));
        g.outputs().add("y");
        g.outputs().add("c2o");
        return g;
    }

    /** {@code layers} equal 3x3 convolutions, channels in = out: layers of identical weight size. */
    static Graph chain(int layers, int channels, int size) {
        Random r = new Random(3);
        Graph g = new Graph("chain");
        g.inputs().put("x", new int[] {1, channels, size, size});
        String prev = "x";
        for (int i = 0; i < layers; i++) {
            conv(g, r, "c" + i, prev, "o" + i, channels, channels, 3, 1, 1, 1);
            prev = "o" + i;
        }
        g.outputs().add(prev);
        return g;
    }

    static void conv(Graph g, Random r, String name, String in, String out, int cout, int cinPerGroup, int k, int stride, int pad, int group) {
        g.constants().put(name + "W", random(r, new int[] {cout, cinPerGroup, k, k}));
        g.constants().put(name + "B", random(r, new int[] {cout}));
        g.nodes().add(node("Conv", name, List.of(in, name + "W", name + "B"), out, new Attributes().put("kernel_shape", new int[] {k, k})
                .put("strides", new int[] {stride, stride}).put("pads", new int[] {pad, pad, pad, pad}).put("group", group)));
    }

    static void bn(Graph g, Random r, String name, String in, String out, int c) {
        g.constants().put(name + "g", random(r, new int[] {c}));
        g.constants().put(name + "b", random(r, new int[] {c}));
        g.constants().put(name + "m", random(r, new int[] {c}));
        float[] var = new float[c];
        for (int i = 0; i < c; i++) var[i] = 0.5f + r.nextFloat();
        g.constants().put(name + "v", ConstTensor.ofFloats(new int[] {c}, var));
        g.nodes().add(node("BatchNormalization", name, List.of(in, name + "g", name + "b", name + "m", name + "v"), out,
                new Attributes().put("epsilon", 1e-5f)));
    }

    static ConstTensor random(Random r, int[] shape) {
        float[] f = new float[(int) Shapes.size(shape)];
        for (int i = 0; i < f.length; i++) f[i] = (float) (r.nextGaussian() * 0.3);
        return ConstTensor.ofFloats(shape, f);
    }

    static float[] randomInput(long seed, int n) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < f.length; i++) f[i] = r.nextFloat();
        return f;
    }

    static Node node(String op, String name, List<String> in, String out, Attributes a) {
        return new Node(op, name, in, List.of(out), a);
    }
}
