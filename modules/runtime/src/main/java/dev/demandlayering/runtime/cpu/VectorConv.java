package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution on {@link VectorGemm} without im2col, at any stride, kernel size, padding or dilation. The input is
 * copied once per layer into a zero-padded heap image (an input that needs no padding at stride 1, say a 1x1
 * convolution's, is read where it lies in the arena); at stride 1, computed over the padded width, output pixel
 * q = oy * wp + ox reads, for tap (ci, ky, kx), padded element {@code ci * hp * wp + ky * dh * wp + kx * dw + q}:
 * each tap's row of B is the padded image shifted by a constant, which the GEMM's offset table expresses. With a
 * stride the padded image is split into its stride phases first, and the same holds per phase (see {@link
 * #shifted}). The few columns past each output row are computed and dropped. With 8-lane vectors a kernel wider
 * than 1x1 reads those shifted rows where they lie ({@link VectorGemm#multiplyShifted}); otherwise each block of
 * B is packed first.
 * <p>
 * The weights are copied to the heap once per layer (float16 widened on the way), each group's rows padded with
 * zeros to a multiple of {@link VectorGemm#MR}. Bias and the fused activation are applied to each finished block
 * before it is written to the arena. Blocks are balanced across the cores; where an image gives too few, output
 * channels are split as well.
 */
final class VectorConv {
    private static final int MR = VectorGemm.MR, NR = VectorGemm.NR;
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;
    /** Floats after which the weights' interleave repeats its pattern: the least common multiple of MR and L. */
    private static final int PERIOD = MR * L / gcd(MR, L);
    /** Panels per block of the stride-1 path (768 output pixels). */
    private static final int BLOCK_PANELS = 16;
    /** Fewest panels a block is cut to for the cores' sake; beyond that, output channels are split. */
    private static final int MIN_PANELS = 4;

    /** With 8-lane vectors, the most output channels per group a convolution runs here rather than on OpenBLAS. */
    static final int NARROW_MAX_CHANNELS = 64;

    private VectorConv() {
    }

    /**
     * Whether this convolution runs here: always with 16-lane vectors; with 8-lane ones (AVX2) where it has at most
     * {@link #NARROW_MAX_CHANNELS} output channels per group, where it beats OpenBLAS; wider ones run faster on
     * OpenBLAS's assembly kernel. Whole frames on an AMD EPYC Milan host, this rule and OpenBLAS alone alternated frame
     * by frame in one process, 150 each: 0.95x OpenBLAS's time on NanoDet, 0.92x on Selfie, 1.01x on Meet; up to 128
     * channels 1.05x on NanoDet, every convolution here 1.05x (docs/cpu-backend.md).
     */
    static boolean suits(ConvKernel.Geometry g) {
        return L == 16 || g.mg <= NARROW_MAX_CHANNELS;
    }

    static void run(ConvKernel.Geometry g, TensorView x, TensorView w, FloatBuffer bias, Activation act, TensorView y) {
        int mgp = (g.mg + MR - 1) / MR * MR;
        float[] a = paddedWeights(g, w, mgp);
        float[] biasArr = bias == null ? null : ConvKernel.toArray(bias, g.m);
        shifted(g, x.data(), a, mgp, biasArr, act, y.data());
    }

    /**
     * The GEMM reads the zero-padded input through per-tap offsets. With a stride, the padded image is first split
     * into its stride phases (phase (py, px) holds the padded pixels (r * sh + py, c * sw + px)): output (oy, ox)
     * reads, for tap (ky, kx), phase (ky * dh % sh, kx * dw % sw) at (oy + ky * dh / sh, ox + kx * dw / sw), so
     * again every tap's row of B is a phase plane shifted by a constant, and no tap is multiplied twice (im2col
     * wrote every one out, up to nine times the input).
     */
    private static void shifted(ConvKernel.Geometry g, FloatBuffer x, float[] a, int mgp, float[] bias, Activation act, FloatBuffer y) {
        int sh = g.sh, sw = g.sw;
        int wp = PaddedPlane.extent(g.w, g.pw, g.ow, sw, g.kw, g.dw), hp = PaddedPlane.extent(g.h, g.ph, g.oh, sh, g.kh, g.dh);
        int wq = (wp + sw - 1) / sw, hq = (hp + sh - 1) / sh, plane = hq * wq;
        int rowPhases = phasesRead(g.kh, g.dh, sh), colPhases = phasesRead(g.kw, g.dw, sw), phases = Integer.bitCount(rowPhases) * Integer.bitCount(colPhases);
        // an input that needs no padding is read where it lies; else a zero-padded copy, with slack past the last
        // plane (the last panel reads up to NR - 1 columns beyond the last output pixel)
        boolean inPlace = sh == 1 && sw == 1 && wp == g.w && hp == g.h;
        // a small map's columns are its output pixels, through a table (see VectorGemm), where the padded width's
        // columns past each row would be a tenth or more of the work
        boolean mapped = !inPlace && wq > g.ow && columns(g.oh * g.ow) * 10 < columns((g.oh - 1) * wq + g.ow) * 9;
        int q = mapped ? g.oh * g.ow : (g.oh - 1) * wq + g.ow, panels = (q + NR - 1) / NR;
        float[] src = inPlace ? null : padded(g, x, wq, hq, rowPhases, colPhases, panels * NR - q + NR);
        int[] koff = Scratch.get().ints(g.k);
        for (int ci = 0, kk = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                int ry = ky * g.dh;
                for (int kx = 0; kx < g.kw; kx++) {
                    int rx = kx * g.dw;
                    koff[kk++] = (ci * phases + PaddedPlane.phaseIndex(ry % sh, rx % sw, rowPhases, colPhases)) * plane + ry / sh * wq + rx / sw;
                }
            }
        }
        int imagePlanes = g.c * phases, groupPlanes = g.cg * phases;
        Split sp = new Split(g, panels, MIN_PANELS, BLOCK_PANELS, mgp);
        Parallel.forEach(sp.tasks(), t -> {
            int img = sp.image(t), grp = sp.group(t), m0 = sp.row0(t), mc = sp.rows(t);
            int j0 = sp.block(t) * sp.perBlock, np = Math.min(sp.perBlock, panels - j0);
            if (mc <= 0 || np <= 0) return;
            int ldc = np * NR, base = (img * imagePlanes + grp * groupPlanes) * plane, q0 = base + j0 * NR;
            float[] c = Scratch.get().floats(7, mc * ldc);
            float[] pack = Scratch.get().floats(6, VectorGemm.PACK_FLOATS);
            int cols = Math.min(ldc, q - j0 * NR); // the last block's last panel is narrower where it can be
            if (mapped) VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, src, koff, base, g.ow, wq, j0 * NR, cols, c, ldc, pack);
            else if (inPlace) VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, x, koff, q0, cols, c, ldc, pack);
            else if (L == 8 && g.kh * g.kw > 1) VectorGemm.multiplyShifted(a, (grp * mgp + m0) * g.k, mc, g.k, src, koff, q0, cols, c, ldc);
            else VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, src, koff, q0, cols, c, ldc, pack);
            int yBase = (img * g.m + grp * g.mg) * g.p, first = j0 * NR, last = Math.min(q, first + ldc);
            for (int r = 0; r < mc && m0 + r < g.mg; r++) {
                int ch = grp * g.mg + m0 + r, at = r * ldc;
                finish(c, at, last - first, bias == null ? 0f : bias[ch], bias != null, act);
                if (mapped) { // the block's pixels [first, last) are the output's
                    y.put(yBase + (m0 + r) * g.p + first, c, at, last - first);
                    continue;
                }
                // the block's pixels [first, last) of the phase-width output, row by row into the arena
                for (int oy = first / wq; oy * wq < last; oy++) {
                    int from = Math.max(first, oy * wq), to = Math.min(last, oy * wq + g.ow);
                    if (to > from) y.put(yBase + (m0 + r) * g.p + oy * g.ow + from - oy * wq, c, at + from - first, to - from);
                }
            }
        });
    }

    /** Columns a product of {@code n} computes: panels of NR, the last rounded up to whole vectors. */
    private static int columns(int n) {
        return (n + 15) / 16 * 16;
    }

    /** Bias and activation over one finished row of a block, while it is in cache. */
    private static void finish(float[] c, int at, int len, float b, boolean hasBias, Activation act) {
        if (hasBias && act != null) {
            act.applyWithBias(c, at, len, b);
        } else if (hasBias) {
            for (int i = at; i < at + len; i++) c[i] += b;
        } else if (act != null) {
            act.apply(c, at, len);
        }
    }

    /**
     * How a convolution's work is cut into tasks: images x groups x blocks (of panels or output rows, balanced so
     * that the blocks are of nearly equal size) x chunks of output channels, the last only where the others give
     * the cores fewer than two tasks each.
     */
    private static final class Split {
        final int perBlock, blocks, chunks, chunkRows, images, groups, mgp;

        Split(ConvKernel.Geometry g, int units, int minPerBlock, int maxPerBlock, int mgp) {
            int want = 2 * Parallel.threads(), outer = g.n * g.group;
            int b = (units + maxPerBlock - 1) / maxPerBlock;
            // more blocks for the cores only while each keeps minPerBlock units (a block's last panel is partly wasted)
            if (outer * b < want) b = Math.max(b, Math.min((want + outer - 1) / outer, units / Math.max(1, minPerBlock)));
            perBlock = (units + b - 1) / b;
            blocks = (units + perBlock - 1) / perBlock;
            int tasks = outer * blocks;
            chunks = tasks >= want ? 1 : Math.min(mgp / MR, (want + tasks - 1) / tasks);
            chunkRows = (mgp / MR + chunks - 1) / chunks * MR;
            images = g.n;
            groups = g.group;
            this.mgp = mgp;
        }

        int tasks() {
            return images * groups * blocks * chunks;
        }

        int image(int t) {
            return t / chunks / blocks / groups;
        }

        int group(int t) {
            return t / chunks / blocks % groups;
        }

        int block(int t) {
            return t / chunks % blocks;
        }

        int row0(int t) {
            return t % chunks * chunkRows;
        }

        int rows(int t) {
            return Math.min(chunkRows, mgp - row0(t));
        }
    }

    /**
     * The input of every image and channel on the caller's heap, each plane zero-padded and split into the stride
     * phases the taps read, hq x wq each (at stride 1 one phase: the padded plane), plus {@code slack} zeros.
     */
    private static float[] padded(ConvKernel.Geometry g, FloatBuffer x, int wq, int hq, int rowPhases, int colPhases, int slack) {
        int planes = g.n * g.c, plane = Integer.bitCount(rowPhases) * Integer.bitCount(colPhases) * hq * wq;
        float[] src = Scratch.get().floats(4, planes * plane + slack);
        boolean strided = g.sh > 1 || g.sw > 1;
        Parallel.forEach(planes, pl -> {
            if (!strided) PaddedPlane.copy(x, pl * g.h * g.w, g.h, g.w, g.ph, g.pw, src, pl * plane, wq, hq, 0f);
            else PaddedPlane.copyPhases(x, pl * g.h * g.w, g.h, g.w, g.ph, g.pw, g.sh, g.sw, rowPhases, colPhases, src, pl * plane, wq, hq, Scratch.get().floats(2, g.h * g.w));
        });
        Arrays.fill(src, planes * plane, planes * plane + slack, 0f);
        return src;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The stride phases along one axis that some tap reads, as bits: tap t reads phase t * dilation % stride. */
    private static int phasesRead(int kernel, int dilation, int stride) {
        int bits = 0;
        for (int t = 0; t < kernel; t++) bits |= 1 << t * dilation % stride;
        return bits;
    }

    /**
     * The weights of every group as float32 on the caller's heap in {@link VectorGemm}'s layout: blocks of {@link
     * #MR} output channels, each [k][MR]; a group's last block padded with zero rows. The blocks are laid out by all
     * cores, each reading its block's rows out of the arena in one bulk copy (float16 widened on the way) and then
     * writing the block in order.
     */
    private static float[] paddedWeights(ConvKernel.Geometry g, TensorView w, int mgp) {
        float[] a = Scratch.get().floats(5, g.group * mgp * g.k);
        WeightRows rows = WeightRows.of(w);
        int perGroup = mgp / MR;
        Parallel.forEach(g.group * perGroup, t -> {
            int grp = t / perGroup, r0 = t % perGroup * MR, n = Math.min(MR, g.mg - r0), k = g.k, block = t * k * MR;
            float[] src = Scratch.get().floats(1, MR * k);
            rows.get((grp * g.mg + r0) * k, src, 0, n * k);
            Arrays.fill(src, n * k, MR * k, 0f);
            // the block's rows at successive k in gathers of L lanes: the pattern repeats every PERIOD floats, PERIOD / MR
            // k (AVX-512: one gather of 8 rows at 2 k; AVX2: three of 6 rows over 4 k). A scalar loop took 4.5 ms a
            // frame for YOLOv3-tiny's 19 MB layer on two cores, most of the layer's 19
            int[] gather = Scratch.get().ints(PERIOD); // the caller takes its offset table from the same slot only after this
            for (int i = 0; i < PERIOD; i++) gather[i] = i % MR * k + i / MR;
            int kk = 0, d = block, step = PERIOD / MR;
            for (; kk + step <= k; kk += step, d += PERIOD) {
                for (int v = 0; v < PERIOD; v += L) FloatVector.fromArray(S, src, kk, gather, v).intoArray(a, d + v);
            }
            for (; kk < k; kk++, d += MR) {
                for (int lane = 0; lane < MR; lane++) a[d + lane] = src[lane * k + kk];
            }
        });
        return a;
    }
}
