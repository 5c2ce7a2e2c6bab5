package dev.demandlayering.runtime.layers;

import java.util.List;
import java.util.Map;

/**
 * A model ready to plan and run: layers in execution order, the static shape of every activation tensor,
 * the graph inputs and outputs.
 */
public record LayeredModel(String name, Map<String, int[]> inputs, List<String> outputs, Map<String, int[]> activationShapes,
                           List<Layer> layers) {
    public long totalWeightBytes() {
        return layers.stream().mapToLong(Layer::weightBytes).sum();
    }

    public long largestLayerBytes() {
        return layers.stream().mapToLong(Layer::weightBytes).max().orElse(0);
    }
}
