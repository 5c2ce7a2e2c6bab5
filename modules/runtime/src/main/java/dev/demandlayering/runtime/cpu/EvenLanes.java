package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every other element of two vectors' worth, as one vector ({@link Lanes}: 32 floats to 16 on AVX-512, 16 to 8 on
 * AVX2): what a horizontal stride of 2 keeps. Each of the two vectors'
 * even lanes is permuted to its low half (and, repeated, its high half), and a blend takes the first's low half and
 * the second's high half: JDK 17 compiles that to two permutes and a blend, where its two-vector {@code rearrange}
 * cost three times as much. Vector API only ({@link VectorSupport#enabled()}).
 */
final class EvenLanes {
    private static final VectorSpecies<Float> S = Lanes.S;
    /** Floats per vector: {@link #of(float[], int)} reads two vectors' worth and returns one. */
    static final int L = Lanes.L;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorMask<Float> SECOND_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & -(1L << (L / 2)));

    private EvenLanes() {
    }

    /** Lanes 0, 2, ..., L - 2 of {@code v0}, then lanes 0, 2, ..., L - 2 of {@code v1}. */
    static FloatVector of(FloatVector v0, FloatVector v1) {
        return v0.rearrange(EVEN).blend(v1.rearrange(EVEN), SECOND_HALF);
    }

    /** {@code a[at]}, {@code a[at + 2]}, ..., {@code a[at + 2 L - 2]}; {@code a} must hold {@code at + 2 L} floats. */
    static FloatVector of(float[] a, int at) {
        return of(FloatVector.fromArray(S, a, at), FloatVector.fromArray(S, a, at + L));
    }
}
