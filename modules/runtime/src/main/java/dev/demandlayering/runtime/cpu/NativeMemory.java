package dev.demandlayering.runtime.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * Native memory for the OpenBLAS path: the address of a direct buffer, and per-thread scratch blocks that
 * kernels pack operands into (im2col patches). Like {@link Scratch}, the blocks live outside the arena, are
 * bounded by the kernels' block sizes, not by the model, and grow once, never per frame.
 */
final class NativeMemory {
    /** Scratch slots per thread: 0 for packed patches, 1 for widened float16 weight rows. */
    private static final ThreadLocal<NativeMemory[]> LOCAL = ThreadLocal.withInitial(() -> new NativeMemory[] {new NativeMemory(), new NativeMemory()});
    private ByteBuffer block = ByteBuffer.allocateDirect(0);
    private FloatBuffer floats = block.asFloatBuffer();
    private long address;

    private NativeMemory() {
    }

    static long address(ByteBuffer direct) {
        return new Pointer(direct).address();
    }

    /** This thread's scratch block {@code slot} of at least {@code n} floats. */
    static NativeMemory scratch(int slot, int n) {
        NativeMemory s = LOCAL.get()[slot];
        if (s.floats.capacity() < n) {
            // alignedSlice rounds both ends in to 64 bytes: room for both
            s.block = ByteBuffer.allocateDirect(4 * n + 128).alignedSlice(64).order(ByteOrder.LITTLE_ENDIAN);
            s.floats = s.block.asFloatBuffer();
            s.address = address(s.block);
        }
        return s;
    }

    /**
     * Rows [row0, row0+rows) of a row-major [*][k] weight matrix as float32 in native memory: in place when the
     * weights are float32 in the arena, else widened from float16 into this thread's scratch slot 1.
     */
    static long weightRows(TensorView w, int row0, int rows, int k) {
        if (w.nativeFloats()) return w.address() + 4L * row0 * k;
        float[] heap = Scratch.get().floats(4, rows * k);
        WeightRows.of(w).get(row0 * k, heap, 0, rows * k);
        return copyIn(1, heap, rows * k);
    }

    /** The first {@code n} floats of {@code heap} copied into this thread's scratch slot {@code slot}; their address. */
    static long copyIn(int slot, float[] heap, int n) {
        NativeMemory s = scratch(slot, n);
        s.floats.put(0, heap, 0, n);
        return s.address;
    }

    FloatBuffer floats() {
        return floats;
    }

    long address() {
        return address;
    }
}
