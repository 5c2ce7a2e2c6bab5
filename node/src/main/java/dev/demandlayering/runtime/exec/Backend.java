package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.util.List;

/** What the pipeline needs from a compute device: one arena, and kernels that read and write it. */
public interface Backend extends AutoCloseable {
    String name();

    Arena allocateArena(long bytes);

    /** Runs one canonical node; inputs include its weights, all as arena tensors. */
    void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs);

    /**
     * Runs one canonical node with the plan's kernel workspace (arena bytes of {@link #workspaceBytes}, shared
     * by all nodes); backends that need none ignore it.
     */
    default void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
        execute(node, arena, inputs, outputs);
    }

    /**
     * Arena bytes this backend's kernels need as scratch for these models (planned inside the arena budget), with
     * weights as float32 or, for {@code halfWeights}, float16.
     */
    default long workspaceBytes(List<LayeredModel> models, boolean halfWeights) {
        return 0;
    }

    /** A clock for the compute time of up to {@code layers} layers of one model per frame. */
    default LayerClock layerClock(int layers) {
        return LayerClock.host(layers);
    }

    /** Waits until all submitted work is done (a no-op for synchronous backends). */
    default void synchronize() {
    }

    @Override
    default void close() {
    }
}
