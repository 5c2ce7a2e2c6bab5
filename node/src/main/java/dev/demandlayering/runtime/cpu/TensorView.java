package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * A tensor in memory: a buffer whose index 0 is the first element, and its shape. Float32 ({@code data}), or,
 * for float16 weights handed to a kernel that reads them as they are, {@code half} (and {@code data} null).
 */
public record TensorView(FloatBuffer data, int[] shape, ShortBuffer half) {
    public TensorView(FloatBuffer data, int[] shape) {
        this(data, shape, null);
    }

    public int size() {
        return (int) Shapes.size(shape);
    }

    public static TensorView heap(int[] shape) {
        return new TensorView(FloatBuffer.allocate((int) Shapes.size(shape)), shape);
    }
}
