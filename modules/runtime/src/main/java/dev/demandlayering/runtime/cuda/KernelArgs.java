package dev.demandlayering.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/** A kernel's arguments in launch order, each held in native memory as cuLaunchKernel wants them (copied at launch). */
final class KernelArgs implements AutoCloseable {
    private final List<Pointer> values = new ArrayList<>();

    /** A device address (arena base + offset). */
    KernelArgs ptr(long address) {
        values.add(new LongPointer(1).put(address));
        return this;
    }

    KernelArgs i32(int v) {
        values.add(new IntPointer(1).put(v));
        return this;
    }

    KernelArgs i64(long v) {
        values.add(new LongPointer(1).put(v));
        return this;
    }

    KernelArgs f32(float v) {
        values.add(new FloatPointer(1).put(v));
        return this;
    }

    /** An I8 struct (int v[8]), by value; unused entries are 1 (harmless as sizes, never read as strides). */
    KernelArgs i8(int[] v) {
        if (v.length > 8) throw new IllegalArgumentException("the CUDA backend handles tensors of up to 8 dimensions, got " + v.length);
        int[] full = new int[8];
        java.util.Arrays.fill(full, 1);
        System.arraycopy(v, 0, full, 0, v.length);
        values.add(new IntPointer(full));
        return this;
    }

    PointerPointer<Pointer> pointers() {
        return new PointerPointer<>(values.toArray(new Pointer[0]));
    }

    @Override
    public void close() {
        for (Pointer p : values) p.close();
        values.clear();
    }

}
