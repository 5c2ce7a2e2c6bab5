package dev.demandlayering.runtime.cpu;

/**
 * Per-thread heap scratch arrays that kernels pack operands into. They live outside the arena (like a GPU
 * kernel's registers and shared memory) and are bounded by the kernels' block sizes, not by the model.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private final float[][] slots = new float[8][];
    private final int[][] intSlots = {new int[0], new int[0]};

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

    /** A scratch int array of at least {@code n} (offset tables). */
    int[] ints(int n) {
        return ints(0, n);
    }

    /** As {@link #ints(int)}, for a kernel that needs two tables: slots 0 and 1. */
    int[] ints(int slot, int n) {
        int[] i = intSlots[slot];
        if (i.length < n) {
            i = new int[Math.max(n, 16)];
            intSlots[slot] = i;
        }
        return i;
    }
}
