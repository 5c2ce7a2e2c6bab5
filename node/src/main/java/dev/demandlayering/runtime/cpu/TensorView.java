package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;

/** A float tensor in memory: a buffer whose index 0 is the first element, and its shape. */
public record TensorView(FloatBuffer data, int[] shape) {
    public int size() {
        return (int) Shapes.size(shape);
    }

    public static TensorView heap(int[] shape) {
        return new TensorView(FloatBuffer.allocate((int) Shapes.size(shape)), shape);
    }
}
