package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations built on an exponential, a vector at a time ({@link Lanes}) on the Vector API: a scalar {@code Math.exp} per
 * element cost Selfie and NanoDet more than their pooling. The exponential is written here from IEEE operations
 * only (a degree-6 polynomial after range reduction, Cephes' expf, within 2 ulps), not the Vector API's EXP: that
 * one is the JIT's vectorised math routine once compiled but {@code Math.exp} per lane before, so its last bits
 * would depend on how warm the JIT is, and streamed frames must equal resident ones bit for bit. Computed in
 * float; within a few ulps of the double-precision scalar forms {@link Activation} uses on the Java loops.
 */
final class VectorActivation {
    private static final VectorSpecies<Float> S = Lanes.S;

    private VectorActivation() {
    }

    /** Whether {@code op} is computed here. */
    static boolean handles(String op) {
        return op.equals("Sigmoid") || op.equals("Swish") || op.equals("Mish") || op.equals("Tanh");
    }

    /**
     * {@code v[off, off + len)} in place: whole vectors, then the tail by a scalar copy of the same operations
     * (masked loads and stores are not compiled to vector instructions by JDK 17, and made the small tensors of
     * squeeze-excitation blocks slower than scalar code). Both give the same bits, so a value does not depend on
     * where a block boundary put it.
     */
    static void apply(String op, float[] v, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + S.loopBound(len); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, v, i);
            one(op, x).intoArray(v, i);
        }
        for (; i < end; i++) v[i] = one(op, v[i]);
    }

    /** One lane's operations, scalar: the same IEEE operations in the same order as {@link #one(String, FloatVector)}. */
    static float one(String op, float x) {
        return switch (op) {
            case "Sigmoid" -> sigmoid(x);
            case "Swish" -> x * sigmoid(x);
            case "Tanh" -> 1f - 2f / (exp(Math.min(Math.max(x, -9f), 9f) * 2f) + 1f);
            case "Mish" -> {
                float e = exp(Math.min(x, 20f)), n = e * (e + 2f);
                yield x > 20f ? x : x * n / (n + 2f);
            }
            default -> throw new IllegalStateException("not an exponential activation: " + op);
        };
    }

    private static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** {@link #exp(FloatVector)} for one value. */
    static float exp(float x) {
        x = Math.min(Math.max(x, -87.3f), 88.7f);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (0x4B400000 - 127)) << 23);
    }

    private static FloatVector one(String op, FloatVector x) {
        return switch (op) {
            case "Sigmoid" -> sigmoid(x);
            case "Swish" -> x.mul(sigmoid(x));
            case "Tanh" -> tanh(x);
            case "Mish" -> mish(x);
            default -> throw new IllegalStateException("not an exponential activation: " + op);
        };
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** 1 - 2 / (e^2x + 1); |x| clamped to 9, where tanh is 1 in float. */
    private static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.max(-9f).min(9f).mul(2f));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /** x * n / (n + 2), n = e (e + 2), e = exp(x); x itself above 20 (see {@link Activation#mish}). */
    private static FloatVector mish(FloatVector x) {
        FloatVector e = exp(x.min(20f));
        FloatVector n = e.mul(e.add(2f));
        return x.mul(n).div(n.add(2f)).blend(x, x.compare(VectorOperators.GT, 20f));
    }

    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, found in the low mantissa bits. */
    private static final float ROUND = 12582912f;

    /** e^x: x = n ln2 + r, |r| <= ln2 / 2; e^r by its polynomial, 2^n put in the exponent bits. Clamped to float's range. */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.7f);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        // 2^n: n + 127 in the exponent field
        FloatVector scale = t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }
}
