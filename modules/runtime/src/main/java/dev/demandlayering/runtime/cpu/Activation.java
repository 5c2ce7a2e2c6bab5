package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.ops.Operators;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.ops.HardSwishFuser;
import java.util.Set;

/**
 * An element-wise activation applied to a block of floats in place: the stand-alone unary kernel, and the
 * epilogue of a convolution or matrix product that runs the activation on its output block while the block is
 * still in cache (one pass over memory less).
 */
final class Activation {
    static final Set<String> OPS = Operators.names(Operators.Kind.ACTIVATION);
    private final String op;
    private final float alpha, beta, min, max;
    /** Exponentials on the Vector API ({@link VectorActivation}). */
    private final boolean vector;

    private Activation(Node node, boolean vector) {
        op = node.opType();
        this.vector = vector && VectorActivation.handles(op);
        Attributes a = node.attributes();
        alpha = a.getFloat("alpha", 0f);
        beta = a.getFloat("beta", 0f);
        min = a.getFloat("min", Float.NEGATIVE_INFINITY);
        max = a.getFloat("max", Float.POSITIVE_INFINITY);
    }

    /** The activation {@code node}; {@code vector}: the backend runs on the Vector API ({@link TensorView#vector()}). */
    static Activation of(Node node, boolean vector) {
        if (!OPS.contains(node.opType())) throw new IllegalStateException("not an activation: " + node.describe());
        return new Activation(node, vector);
    }

    /**
     * Adds {@code bias} to {@code v[off, off+len)} and applies the activation, in one pass where the activation is a
     * plain loop (Relu, LeakyRelu, Clip): the same operations in the same order as the two passes, so the same bits.
     */
    void applyWithBias(float[] v, int off, int len, float bias) {
        int end = off + len;
        switch (op) {
            case "Relu" -> { for (int i = off; i < end; i++) v[i] = Math.max(v[i] + bias, 0f); }
            case "LeakyRelu" -> {
                if (alpha <= 1f) {
                    for (int i = off; i < end; i++) {
                        float x = v[i] + bias;
                        v[i] = Math.max(x, x * alpha);
                    }
                } else {
                    for (int i = off; i < end; i++) {
                        float x = v[i] + bias;
                        v[i] = Math.min(x, x * alpha);
                    }
                }
            }
            case "Clip" -> { for (int i = off; i < end; i++) v[i] = Math.max(min, Math.min(max, v[i] + bias)); }
            default -> {
                for (int i = off; i < end; i++) v[i] += bias;
                apply(v, off, len);
            }
        }
    }

    /** Applies the activation to {@code v[off, off+len)}. */
    void apply(float[] v, int off, int len) {
        if (vector) {
            VectorActivation.apply(op, v, off, len);
            return;
        }
        int end = off + len;
        switch (op) {
            // max and min, not a comparison: they compile branch-free (and vectorise), where real activations make
            // a comparison's branch unpredictable
            case "Relu" -> { for (int i = off; i < end; i++) v[i] = Math.max(v[i], 0f); }
            case "LeakyRelu" -> {
                if (alpha <= 1f) {
                    for (int i = off; i < end; i++) v[i] = Math.max(v[i], v[i] * alpha);
                } else {
                    for (int i = off; i < end; i++) v[i] = Math.min(v[i], v[i] * alpha);
                }
            }
            case "Sigmoid" -> { for (int i = off; i < end; i++) v[i] = sigmoid(v[i]); }
            case "Swish" -> { for (int i = off; i < end; i++) v[i] = v[i] * sigmoid(v[i]); }
            case "Mish" -> { for (int i = off; i < end; i++) v[i] = mish(v[i]); }
            case "HardSigmoid" -> { for (int i = off; i < end; i++) v[i] = Math.max(0f, Math.min(1f, alpha * v[i] + beta)); }
            case "HardSwish" -> { for (int i = off; i < end; i++) v[i] = v[i] * Math.max(0f, Math.min(1f, v[i] / 6f + 0.5f)); }
            case HardSwishFuser.OP -> {
                for (int i = off; i < end; i++) v[i] = v[i] * alpha * Math.max(min, Math.min(max, v[i] + beta));
            }
            case "Clip" -> { for (int i = off; i < end; i++) v[i] = Math.max(min, Math.min(max, v[i])); }
            case "Tanh" -> { for (int i = off; i < end; i++) v[i] = (float) Math.tanh(v[i]); }
            default -> throw new IllegalStateException("not an activation: " + op);
        }
    }

    /**
     * x * tanh(softplus(x)) with one exponential: tanh(ln(1 + e)) = n / (n + 2) for n = e (e + 2), e = exp(x) (the
     * log1p-then-tanh form took three transcendental calls per element, most of YOLOv4's frame on a CPU). Above 20,
     * tanh(softplus(x)) is 1 in float.
     */
    static float mish(float x) {
        if (x > 20) return x;
        double e = Math.exp(x), n = e * (e + 2);
        return (float) (x * n / (n + 2));
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
