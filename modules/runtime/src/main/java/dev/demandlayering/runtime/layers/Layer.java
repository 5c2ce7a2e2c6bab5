package dev.demandlayering.runtime.layers;

import dev.demandlayering.runtime.graph.Node;
import java.util.List;

/**
 * The unit of demand layering: one op with weights plus the weightless ops that follow it before the next
 * weighted op, run in order. Its weights form one contiguous blob that is loaded (or kept resident) as a whole.
 *
 * @param weights the weight tensors in blob order, each at a 64-byte aligned offset inside the blob
 * @param weightBytes the blob's length in bytes (float32)
 */
public record Layer(int index, String name, List<Node> nodes, List<WeightRef> weights, long weightBytes) {
    /** One weight tensor inside a layer blob. */
    public record WeightRef(String name, int[] shape, long offset, long length) {
    }

    public boolean hasWeights() {
        return weightBytes > 0;
    }

    /** The first op's type, which names the layer kind in reports. */
    public String kind() {
        return nodes.get(0).opType();
    }
}
