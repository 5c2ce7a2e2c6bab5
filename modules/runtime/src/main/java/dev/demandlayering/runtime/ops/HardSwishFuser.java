package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites the four nodes Keras (and so TF.js) writes hard-swish as, {@code Mul(x, 1/6)}, {@code Add(x, 3)},
 * {@code Clip(0, 6)} and their {@code Mul}, into one {@code FusedHardSwish} node: y = (x * alpha) * clip(x + beta,
 * min, max), the very float operations of the chain in its order, so the outputs keep their bits. One element-wise
 * pass instead of four, an activation the producing convolution runs in its epilogue, and no layers of their own:
 * each scalar constant made a weighted node, and so a layer with a 4-byte blob to stream (23 of Selfie's 80).
 * <p>
 * Applied after normalisation, to what runs only: exported ONNX files keep the four standard nodes.
 */
public final class HardSwishFuser {
    /** The fused op: not an ONNX operator, so never imported or exported. */
    public static final String OP = "FusedHardSwish";

    private final Graph g;

    private HardSwishFuser(Graph g) {
        this.g = g;
    }

    /** {@code g} with every match rewritten (in place; {@code g} is returned). */
    public static Graph fuse(Graph g) {
        new HardSwishFuser(g).run();
        return g;
    }

    private void run() {
        for (int i = 0; i < g.nodes().size(); i++) {
            Node product = g.nodes().get(i);
            if (!product.opType().equals("Mul") || product.inputs().size() != 2) continue;
            for (int side = 0; side < 2; side++) {
                if (fuse(product, GraphQueries.producer(g, product.input(side)), GraphQueries.producer(g, product.input(1 - side)))) {
                    i = -1; // the list changed: start over (graphs have hundreds of nodes)
                    break;
                }
            }
        }
    }

    /** Whether {@code product} = {@code scaled} x {@code clip} was a hard-swish chain, now rewritten. */
    private boolean fuse(Node product, Node scaled, Node clip) {
        if (scaled == null || clip == null || !scaled.opType().equals("Mul") || !clip.opType().equals("Clip") || clip.inputs().size() != 1) return false;
        Node shifted = GraphQueries.producer(g, clip.input(0));
        if (shifted == null || !shifted.opType().equals("Add")) return false;
        Operand s = operand(scaled), a = operand(shifted);
        if (s == null || a == null || !s.x.equals(a.x)) return false;
        String out = product.outputs().get(0);
        if (!Arrays.equals(g.shape(out), g.shape(s.x))) return false;
        for (Node inner : List.of(scaled, shifted, clip)) {
            if (!GraphQueries.onlyReadOnce(g, inner.outputs().get(0))) return false;
        }
        Attributes at = new Attributes().put("alpha", s.value).put("beta", a.value).put("min", clip.attributes().getFloat("min", Float.NEGATIVE_INFINITY))
                .put("max", clip.attributes().getFloat("max", Float.POSITIVE_INFINITY));
        Node fused = new Node(OP, product.name(), new java.util.ArrayList<>(List.of(s.x)), new java.util.ArrayList<>(List.of(out)), at);
        // where the first of the four stood: x is made before it, and every reader of the product comes after it
        int at0 = Math.min(Math.min(g.nodes().indexOf(scaled), g.nodes().indexOf(shifted)), Math.min(g.nodes().indexOf(clip), g.nodes().indexOf(product)));
        g.nodes().removeAll(List.of(scaled, shifted, clip, product));
        g.nodes().add(at0, fused);
        for (Node inner : List.of(scaled, shifted, clip)) g.shapes().remove(inner.outputs().get(0));
        for (String c : List.of(s.constant, a.constant)) {
            if (GraphQueries.readerCount(g, c) == 0 && !g.outputs().contains(c)) g.constants().remove(c);
        }
        return true;
    }

    /** A binary node's tensor operand and its scalar constant one (any rank, one element). */
    private record Operand(String x, String constant, float value) {
    }

    private Operand operand(Node n) {
        if (n.inputs().size() != 2) return null;
        for (int side = 0; side < 2; side++) {
            ConstTensor c = g.constants().get(n.input(side));
            String x = n.input(1 - side);
            if (c != null && c.size() == 1 && c.type() == dev.demandlayering.runtime.graph.DataType.FLOAT && !g.constants().containsKey(x)) {
                return new Operand(x, n.input(side), c.floats()[0]);
            }
        }
        return null;
    }
}
