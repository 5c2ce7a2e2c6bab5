package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;

/** One operator's CPU implementation over canonical nodes. Inputs include the node's weight tensors. */
interface Kernel {
    void run(Node node, TensorView[] inputs, TensorView[] outputs);
}
