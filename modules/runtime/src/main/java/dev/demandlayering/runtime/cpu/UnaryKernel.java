package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;

/** Element-wise activations on their own, processed in heap chunks so the loops vectorise. */
final class UnaryKernel implements Kernel {
    private static final int CHUNK = 8192;

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int n = out[0].size();
        int chunks = (n + CHUNK - 1) / CHUNK;
        Activation act = Activation.of(node, in[0].vector());
        Parallel.forEach(chunks, c -> {
            int off = c * CHUNK;
            int len = Math.min(CHUNK, n - off);
            float[] v = Scratch.get().floats(0, len);
            in[0].data().get(off, v, 0, len);
            act.apply(v, 0, len);
            out[0].data().put(off, v, 0, len);
        });
    }
}
