package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.graph.Node;

/** What the pipeline needs from a compute device: one arena, and kernels that read and write it. */
public interface Backend extends AutoCloseable {
    String name();

    Arena allocateArena(long bytes);

    /** Runs one canonical node; inputs include its weights, all as arena tensors. */
    void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs);

    /** Waits until all submitted work is done (a no-op for synchronous backends). */
    default void synchronize() {
    }

    @Override
    default void close() {
    }
}
