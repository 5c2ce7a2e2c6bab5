package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;

/** One operator's CPU implementation over canonical nodes. Inputs include the node's weight tensors. */
interface Kernel {
    void run(Node node, TensorView[] inputs, TensorView[] outputs);

    /** Runs the node with {@code act} applied to its output in the kernel's epilogue; only kernels that {@link #fuses} do. */
    default void run(Node node, Activation act, TensorView[] inputs, TensorView[] outputs) {
        throw new IllegalStateException(node.describe() + " does not fuse an activation");
    }

    /** Whether {@link #run(Node, Activation, TensorView[], TensorView[])} is implemented for this node. */
    default boolean fuses(Node node) {
        return false;
    }
}
