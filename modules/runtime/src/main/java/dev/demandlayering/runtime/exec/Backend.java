package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.List;

/** What the pipeline needs from a compute device: one arena, and kernels that read and write it. */
public interface Backend extends AutoCloseable {
    String name();

    /**
     * Whether this backend has a kernel for {@code node} (an operator of {@code ops.Operators}, with its attributes
     * and inputs as the importers normalise them). Asked for every node when a session is planned, so that a
     * missing kernel fails there, naming the layer, and not on the first frame.
     */
    boolean supports(Node node);

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
     * How much of the weight loader's CPU time compute loses when the two overlap: 0 where compute runs on a device
     * of its own (the default), 1/cores where it runs on the cores the loader shares (its pool balances the work).
     */
    default double loaderCpuShare() {
        return 0;
    }

    /**
     * Whether this backend can run {@code activation}, an element-wise node reading only {@code node}'s output, in
     * the epilogue of {@code node}'s kernel. The engine fuses the two where nothing else reads that output.
     */
    default boolean fusesActivation(Node node, Node activation) {
        return false;
    }

    /**
     * Runs {@code node} with {@code activation} applied to its output before it is stored ({@link
     * #fusesActivation}); {@code outputs} are the activation's.
     */
    default void execute(Node node, Node activation, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
        throw new UnsupportedOperationException(name() + " does not fuse " + activation.describe() + " into " + node.describe());
    }

    /**
     * Arena bytes this backend's kernels need as scratch for these models (planned inside the arena budget), with
     * weights in the arena in {@code weights}' precision.
     */
    default long workspaceBytes(List<LayeredModel> models, WeightPrecision weights) {
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
