package dev.demandlayering.runtime.exec;

import java.nio.ByteBuffer;

/**
 * The one block of backend memory that all models share, allocated once. Weight blobs arrive through
 * {@link #weightStaging}: on the CPU that is the arena itself; a GPU backend returns pinned host memory and
 * copies it in on {@link #commitWeights}.
 */
public interface Arena extends AutoCloseable {
    long size();

    /** Host memory the loader reads a blob into, destined for arena bytes [offset, offset+len); 4096-aligned. */
    ByteBuffer weightStaging(long offset, long len);

    /** Makes staged bytes visible to kernels at [offset, offset+len) (may return before they have arrived). */
    void commitWeights(long offset, long len);

    /**
     * Compute is about to use the weights at [offset, offset+len): work submitted after this call sees them.
     * A GPU makes its compute stream wait for the copy; where {@link #commitWeights} is synchronous, nothing to do.
     */
    default void awaitWeights(long offset, long len) {
    }

    /**
     * All compute work on the weights at [offset, offset+len) has been submitted: the range may be refilled once
     * that work is done. A GPU records an event the next copy into the range waits for; synchronous backends
     * have already finished.
     */
    default void releaseWeights(long offset, long len) {
    }

    void write(long offset, float[] data);

    float[] read(long offset, int count);

    @Override
    void close();
}
