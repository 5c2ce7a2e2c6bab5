package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width the plane kernels (depthwise convolution, MaxPool, whole-plane sums, linear resize, the
 * exponential activations) run at: the CPU's own, 16 floats on AVX-512 and 8 on AVX2, so that a CPU without
 * 512-bit vectors runs them as vector code too instead of the scalar loops (the 512-bit species is emulated
 * there, slower than scalar). Their results do not depend on the width (each element's operations are the same,
 * in the same order), except whole-plane sums, whose order is fixed per width ({@link VectorReduce}). The
 * convolutions' GEMM ({@link VectorGemm}, {@link VectorConv}) has a register block per width. {@code
 * -Ddlayer.vectorBits=256} runs the 8-lane code on an AVX-512 CPU (the tests do, so that any host checks both).
 * Loaded only where {@link VectorSupport#enabled()}.
 */
final class Lanes {
    /** The CPU's width, or a narrower one asked for with {@code -Ddlayer.vectorBits=256} ({@link VectorSupport} checks it). */
    static final VectorSpecies<Float> S = VectorSupport.bits() == 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_512;
    /** Floats per vector. */
    static final int L = S.length();

    private Lanes() {
    }
}
