package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums on the Vector API, for the pools that average a whole plane: a scalar float sum is one dependent chain of
 * adds (the JIT may not reorder it), four L-lane accumulators are 4 L ({@link Lanes}: L is 16 on AVX-512, 8 on
 * AVX2). The order is fixed by the length and the CPU's width alone (lane i of accumulator j takes elements 4 L n
 * + L j + i, then the lanes and the tail in order), so a value does not depend on which thread or block computes
 * it; a CPU of another width sums in another order.
 */
final class VectorReduce {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private VectorReduce() {
    }

    static float sum(float[] v, int off, int len) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= len; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, v, off + i));
            a1 = a1.add(FloatVector.fromArray(S, v, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, v, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, v, off + i + 3 * L));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += v[off + i];
        return s;
    }
}
