package dev.demandlayering.runtime.exec;

/**
 * A tensor at a byte offset in the arena: float32, or float16 for weights streamed from a pack's fp16 blobs
 * ({@code half}), which a backend reads directly or widens first.
 */
public record TensorRef(long offset, int[] shape, boolean half) {
    public TensorRef(long offset, int[] shape) {
        this(offset, shape, false);
    }
}
