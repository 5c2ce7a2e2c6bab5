package dev.demandlayering.runtime.cpu;

/**
 * Per-thread heap scratch arrays that kernels pack operands into. They live outside the arena (like a GPU
 * kernel's registers and shared memory) and are bounded by the kernels' block sizes, not by the model.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private final float[][] slots = new float[6][];

    static Scratch get() {
        return LOCAL.get();
    }

    /** A scratch array of at least {@code n} floats; slot numbers keep a kernel's arrays apart. */
    float[] floats(int slot, int n) {
        float[] f = slots[slot];
        if (f == null || f.length < n) {
            f = new float[Math.max(n, 16)];
            slots[slot] = f;
        }
        return f;
    }
}
