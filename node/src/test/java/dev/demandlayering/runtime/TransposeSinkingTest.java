package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout transposes a channels-last importer leaves that the normaliser now removes: a transpose undone by one of
 * its readers while another still needs it, and a transpose that meets a squeeze-excitation's computed channel
 * vector, shared transposes that sink through a Concat and an Add, and one that moves only axes of size 1 (a
 * Reshape). Outputs are checked against the arithmetic itself.
 */
class TransposeSinkingTest {
    static final int[] NCHW = {1, 4, 5, 6};

    @TempDir
    Path tmp;

    @Test
    void aReaderThatUndoesASharedTransposeReadsItsInput() throws Exception {
        Graph g = new Graph("shared");
        g.inputs().put("x", NCHW);
        g.nodes().add(TestGraphs.node("Transpose", "toNhwc", List.of("x"), "nhwc", new Attributes().put("perm", new int[] {0, 2, 3, 1})));
        g.nodes().add(TestGraphs.node("Transpose", "back", List.of("nhwc"), "nchw", new Attributes().put("perm", new int[] {0, 3, 1, 2})));
        g.nodes().add(TestGraphs.node("Relu", "relu", List.of("nchw"), "a", new Attributes()));
        g.nodes().add(TestGraphs.node("Softmax", "softmax", List.of("nhwc"), "b", new Attributes().put("axis", 3)));
        g.outputs().addAll(List.of("a", "b"));
        Graph n = ModelImporter.normalize(g, "shared");
        assertEquals(1, transposes(n), "only the transpose the softmax needs is left: " + n.nodes().stream().map(Node::opType).toList());
        float[] x = input();
        Map<String, float[]> out = run(g, x);
        float[] relu = x.clone();
        for (int i = 0; i < relu.length; i++) relu[i] = Math.max(0f, relu[i]);
        assertArrayEquals(relu, out.get("a"));
        // softmax over channels, channels last
        float[] b = out.get("b");
        for (int p = 0; p < 30; p++) {
            double sum = 0;
            for (int c = 0; c < 4; c++) sum += Math.exp(x[c * 30 + p]);
            for (int c = 0; c < 4; c++) assertEquals(Math.exp(x[c * 30 + p]) / sum, b[p * 4 + c], 1e-6);
        }
    }

    @Test
    void aTransposeSinksThroughAComputedChannelVector() throws Exception {
        Graph g = new Graph("se");
        g.inputs().put("x", NCHW);
        g.nodes().add(TestGraphs.node("GlobalAveragePool", "gap", List.of("x"), "mean", new Attributes()));
        g.nodes().add(TestGraphs.node("Sigmoid", "gate", List.of("mean"), "scale", new Attributes()));
        // the channel scales reach the channels-last Mul through a Reshape, as a TF.js squeeze-excitation's do
        g.constants().put("lastShape", dev.demandlayering.runtime.graph.ConstTensor.ofLongs(new int[] {4}, new long[] {1, 1, 1, 4}));
        g.nodes().add(TestGraphs.node("Reshape", "scaleNhwc", List.of("scale", "lastShape"), "scaleLast", new Attributes()));
        g.nodes().add(TestGraphs.node("Transpose", "toNhwc", List.of("x"), "nhwc", new Attributes().put("perm", new int[] {0, 2, 3, 1})));
        g.nodes().add(TestGraphs.node("Mul", "excite", List.of("nhwc", "scaleLast"), "scaled", new Attributes()));
        g.nodes().add(TestGraphs.node("Transpose", "back", List.of("scaled"), "y", new Attributes().put("perm", new int[] {0, 3, 1, 2})));
        g.outputs().add("y");
        Graph n = ModelImporter.normalize(g, "se");
        long big = n.nodes().stream().filter(t -> t.opType().equals("Transpose") && Shapes.size(n.shape(t.outputs().get(0))) > 4).count();
        assertEquals(0, big, "no transpose of the activation is left: " + n.nodes().stream().map(Node::opType).toList());
        float[] x = input();
        float[] y = run(g, x).get("y");
        for (int c = 0; c < 4; c++) {
            float sum = 0;
            for (int p = 0; p < 30; p++) sum += x[c * 30 + p];
            double gate = 1 / (1 + Math.exp(-(sum / 30)));
            for (int p = 0; p < 30; p++) assertEquals(x[c * 30 + p] * gate, y[c * 30 + p], 1e-6);
        }
    }

    @Test
    void sharedTransposesSinkThroughAConcatAndAnAdd() throws Exception {
        // Meet's decoder: two channels-last tensors, each read by a Concat and by an Add, back to channels first after
        Graph g = new Graph("concat");
        g.inputs().put("x", NCHW);
        g.inputs().put("z", NCHW);
        g.nodes().add(TestGraphs.node("Transpose", "xLast", List.of("x"), "xn", new Attributes().put("perm", new int[] {0, 2, 3, 1})));
        g.nodes().add(TestGraphs.node("Transpose", "zLast", List.of("z"), "zn", new Attributes().put("perm", new int[] {0, 2, 3, 1})));
        g.nodes().add(TestGraphs.node("Concat", "cat", List.of("xn", "zn"), "cn", new Attributes().put("axis", 3)));
        g.nodes().add(TestGraphs.node("Add", "sum", List.of("xn", "zn"), "sn", new Attributes()));
        g.nodes().add(TestGraphs.node("Transpose", "catFirst", List.of("cn"), "c", new Attributes().put("perm", new int[] {0, 3, 1, 2})));
        g.nodes().add(TestGraphs.node("Transpose", "sumFirst", List.of("sn"), "s", new Attributes().put("perm", new int[] {0, 3, 1, 2})));
        g.outputs().addAll(List.of("c", "s"));
        Graph n = ModelImporter.normalize(g, "concat");
        assertEquals(0, transposes(n), "every transpose cancels: " + n.nodes().stream().map(Node::opType).toList());
        float[] x = input(), z = input();
        for (int i = 0; i < z.length; i++) z[i] = z[i] * 0.5f + 1;
        FrameResult r = Pipelines.run(Pipelines.pack(g, tmp), dev.demandlayering.runtime.Session.Options.of(0, ResidencyMode.ALL), Map.of("x", x, "z", z));
        float[] c = r.outputs().get(0).get("c"), s = r.outputs().get(0).get("s");
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], c[i]);
            assertEquals(z[i], c[x.length + i]);
            assertEquals(x[i] + z[i], s[i]);
        }
    }

    @Test
    void aTransposeThatMovesOnlySingleAxesBecomesAReshape() throws Exception {
        // a pooled [1, C, 1, 1] to channels last before a squeeze: the values stay in memory order
        Graph g = new Graph("squeeze");
        g.inputs().put("x", NCHW);
        g.nodes().add(TestGraphs.node("GlobalAveragePool", "gap", List.of("x"), "mean", new Attributes()));
        g.nodes().add(TestGraphs.node("Transpose", "last", List.of("mean"), "y", new Attributes().put("perm", new int[] {0, 2, 3, 1})));
        g.outputs().add("y");
        Graph n = ModelImporter.normalize(g, "squeeze");
        assertEquals(0, transposes(n), n.nodes().stream().map(Node::opType).toList().toString());
        assertArrayEquals(new int[] {1, 1, 1, 4}, n.shape("y"));
        float[] x = input(), y = run(g, x).get("y");
        for (int ch = 0; ch < 4; ch++) {
            float sum = 0;
            for (int p = 0; p < 30; p++) sum += x[ch * 30 + p];
            assertEquals(sum / 30, y[ch], 1e-6);
        }
    }

    private static long transposes(Graph g) {
        return g.nodes().stream().filter(t -> t.opType().equals("Transpose")).count();
    }

    private static float[] input() {
        float[] x = new float[120];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 4 - 2);
        return x;
    }

    /** The graph as imported (normalised, packed) and run fully resident. */
    private Map<String, float[]> run(Graph raw, float[] x) throws Exception {
        FrameResult r = Pipelines.run(Pipelines.pack(raw, tmp), dev.demandlayering.runtime.Session.Options.of(0, ResidencyMode.ALL), Map.of("x", x));
        return r.outputs().get(0);
    }
}
