package dev.demandlayering.runtime.layers;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Groups a normalised graph's nodes into layers: each weighted node starts a layer, weightless ones join it. */
public final class LayerBuilder {
    static final int WEIGHT_ALIGN = 64;

    private LayerBuilder() {
    }

    /** The layers, and the weight values keyed by tensor name (for the pack writer). */
    public record Result(LayeredModel model, Map<String, ConstTensor> weights) {
    }

    public static Result build(Graph g) {
        List<Layer> layers = new ArrayList<>();
        List<Node> current = new ArrayList<>();
        for (Node n : g.nodes()) {
            boolean weighted = n.inputs().stream().anyMatch(g.constants()::containsKey);
            if (weighted && !current.isEmpty()) {
                layers.add(layer(layers.size(), current, g));
                current = new ArrayList<>();
            }
            current.add(n);
        }
        if (!current.isEmpty()) layers.add(layer(layers.size(), current, g));
        Map<String, int[]> acts = new LinkedHashMap<>();
        g.inputs().forEach(acts::put);
        for (Node n : g.nodes()) for (String o : n.outputs()) acts.put(o, g.shape(o));
        return new Result(new LayeredModel(g.name(), new LinkedHashMap<>(g.inputs()), List.copyOf(g.outputs()), acts, layers),
                g.constants());
    }

    private static Layer layer(int index, List<Node> nodes, Graph g) {
        List<Layer.WeightRef> refs = new ArrayList<>();
        long off = 0;
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                ConstTensor c = g.constants().get(in);
                if (c == null || refs.stream().anyMatch(r -> r.name().equals(in))) continue;
                long len = 4L * c.size();
                refs.add(new Layer.WeightRef(in, c.shape(), off, len));
                off = align(off + len, WEIGHT_ALIGN);
            }
        }
        long bytes = refs.isEmpty() ? 0 : refs.get(refs.size() - 1).offset() + refs.get(refs.size() - 1).length();
        return new Layer(index, nodes.get(0).name(), List.copyOf(nodes), refs, bytes);
    }

    public static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
