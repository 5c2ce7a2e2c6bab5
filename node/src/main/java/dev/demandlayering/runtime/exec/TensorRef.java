package dev.demandlayering.runtime.exec;

/** A float32 tensor at a byte offset in the arena. */
public record TensorRef(long offset, int[] shape) {
}
