package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;

/** Element-wise activations, processed in heap chunks so the loops vectorise. */
final class UnaryKernel implements Kernel {
    private static final int CHUNK = 8192;

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int n = out[0].size();
        int chunks = (n + CHUNK - 1) / CHUNK;
        String op = node.opType();
        Attributes a = node.attributes();
        float alpha = a.getFloat("alpha", 0f), beta = a.getFloat("beta", 0f);
        float min = a.getFloat("min", Float.NEGATIVE_INFINITY), max = a.getFloat("max", Float.POSITIVE_INFINITY);
        Parallel.forEach(chunks, c -> {
            int off = c * CHUNK;
            int len = Math.min(CHUNK, n - off);
            float[] v = Scratch.get().floats(0, len);
            in[0].data().get(off, v, 0, len);
            switch (op) {
                case "Relu" -> { for (int i = 0; i < len; i++) v[i] = v[i] > 0f ? v[i] : 0f; }
                case "LeakyRelu" -> { for (int i = 0; i < len; i++) v[i] = v[i] >= 0f ? v[i] : v[i] * alpha; }
                case "Sigmoid" -> { for (int i = 0; i < len; i++) v[i] = sigmoid(v[i]); }
                case "Swish" -> { for (int i = 0; i < len; i++) v[i] = v[i] * sigmoid(v[i]); }
                case "Mish" -> { for (int i = 0; i < len; i++) v[i] = mish(v[i]); }
                case "HardSigmoid" -> { for (int i = 0; i < len; i++) v[i] = Math.max(0f, Math.min(1f, alpha * v[i] + beta)); }
                case "HardSwish" -> { for (int i = 0; i < len; i++) v[i] = v[i] * Math.max(0f, Math.min(1f, v[i] / 6f + 0.5f)); }
                case "Clip" -> { for (int i = 0; i < len; i++) v[i] = Math.max(min, Math.min(max, v[i])); }
                case "Tanh" -> { for (int i = 0; i < len; i++) v[i] = (float) Math.tanh(v[i]); }
                default -> throw new IllegalStateException("not a unary op: " + op);
            }
            out[0].data().put(off, v, 0, len);
        });
    }

    /** x * tanh(softplus(x)), softplus computed without overflow for large x. */
    static float mish(float x) {
        double sp = x > 20 ? x : Math.log1p(Math.exp(x));
        return (float) (x * Math.tanh(sp));
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
