package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * A tensor in memory: a buffer whose index 0 is the first element, and its shape. Float32 ({@code data}), or,
 * for float16 weights handed to a kernel that reads them as they are, {@code half} (and {@code data} null).
 * {@code address} is the first element's native address for tensors in the arena (native kernels read them in
 * place), 0 for heap tensors (constant folding at import). {@code vector}: the backend runs convolutions on the
 * Vector API ({@link VectorConv}).
 */
public record TensorView(FloatBuffer data, int[] shape, ShortBuffer half, long address, boolean vector) {
    public TensorView(FloatBuffer data, int[] shape) {
        this(data, shape, null, 0, false);
    }

    public int size() {
        return (int) Shapes.size(shape);
    }

    /** Whether native code can read this tensor in place: float32 in native memory. */
    boolean nativeFloats() {
        return address != 0 && data != null;
    }

    public static TensorView heap(int[] shape) {
        return new TensorView(FloatBuffer.allocate((int) Shapes.size(shape)), shape);
    }
}
