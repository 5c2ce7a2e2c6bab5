package dev.demandlayering.runtime.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as imported: nodes, constants, named inputs with static shapes, and output names. After
 * {@code GraphNormalizer} runs, the nodes are in topological order, every tensor has a shape, and the only
 * constants left are float weights.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, ConstTensor> constants = new LinkedHashMap<>();
    private final Map<String, int[]> inputs = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    private int opset = 13;

    public Graph(String name) {
        this.name = name;
    }

    /** The ONNX default-domain opset the node semantics follow (importers of other formats emit opset 13). */
    public int opset() {
        return opset;
    }

    public void setOpset(int opset) {
        this.opset = opset;
    }

    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, ConstTensor> constants() {
        return constants;
    }

    public Map<String, int[]> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Known static shapes of every tensor (inputs, constants, intermediate values). */
    public Map<String, int[]> shapes() {
        return shapes;
    }

    public int[] shape(String tensor) {
        int[] s = shapes.get(tensor);
        if (s == null) {
            ConstTensor c = constants.get(tensor);
            if (c != null) return c.shape();
        }
        return s;
    }
}
