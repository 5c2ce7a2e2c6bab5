package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A convolution on {@link VectorGemm}, in one of two ways:
 * <ul>
 * <li><b>stride 1</b> (any kernel size, padding or dilation): no im2col. The input is copied once per layer into
 * a zero-padded heap image (an input that needs no padding, say a 1x1 convolution's, is read where it lies in the
 * arena); computed over the padded width, output pixel q = oy * wp + ox reads, for tap (ci, ky, kx), padded
 * element {@code ci * hp * wp + ky * dh * wp + kx * dw + q}: each tap's row of B is the padded image shifted by a
 * constant, which the GEMM's offset table expresses. The few columns past each output row are
 * computed and dropped.
 * <li><b>other strides</b>: im2col per block of output rows, then the same GEMM on the patch rows.
 * </ul>
 * The weights are copied to the heap once per layer (float16 widened on the way), each group's rows padded with
 * zeros to a multiple of {@link VectorGemm#MR}. Bias and the fused activation are applied to each finished block
 * before it is written to the arena. Blocks are balanced across the cores; where an image gives too few, output
 * channels are split as well.
 */
final class VectorConv {
    private static final int MR = VectorGemm.MR, NR = VectorGemm.NR;
    /** Panels per block of the stride-1 path (768 output pixels). */
    private static final int BLOCK_PANELS = 16;
    /** Fewest panels a block is cut to for the cores' sake; beyond that, output channels are split. */
    private static final int MIN_PANELS = 4;
    /** Floats of one im2col block (1 MiB, L2-sized). */
    private static final int PATCH_FLOATS = 1 << 18;

    private VectorConv() {
    }

    static void run(ConvKernel.Geometry g, TensorView x, TensorView w, FloatBuffer bias, Activation act, TensorView y) {
        int mgp = (g.mg + MR - 1) / MR * MR;
        float[] a = paddedWeights(g, w, mgp);
        float[] biasArr = bias == null ? null : ConvKernel.toArray(bias, g.m);
        if (g.sh == 1 && g.sw == 1) {
            shifted(g, x.data(), a, mgp, biasArr, act, y.data());
        } else {
            patches(g, x.data(), a, mgp, biasArr, act, y.data());
        }
    }

    /** Stride 1: the GEMM reads the zero-padded input through per-tap offsets. */
    private static void shifted(ConvKernel.Geometry g, FloatBuffer x, float[] a, int mgp, float[] bias, Activation act, FloatBuffer y) {
        int wp = PaddedPlane.extent(g.w, g.pw, g.ow, 1, g.kw, g.dw), hp = PaddedPlane.extent(g.h, g.ph, g.oh, 1, g.kh, g.dh), plane = hp * wp;
        int q = (g.oh - 1) * wp + g.ow, panels = (q + NR - 1) / NR;
        // an input that needs no padding is read where it lies; else a zero-padded copy, with slack past the last
        // plane (the last panel reads up to NR - 1 columns beyond the last output pixel)
        boolean inPlace = wp == g.w && hp == g.h;
        float[] src = inPlace ? null : padded(g, x, wp, hp, panels * NR - q + NR);
        int[] koff = Scratch.get().ints(g.k);
        for (int ci = 0, kk = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) koff[kk++] = ci * plane + ky * g.dh * wp + kx * g.dw;
            }
        }
        Split sp = new Split(g, panels, MIN_PANELS, BLOCK_PANELS, mgp);
        Parallel.forEach(sp.tasks(), t -> {
            int img = sp.image(t), grp = sp.group(t), m0 = sp.row0(t), mc = sp.rows(t);
            int j0 = sp.block(t) * sp.perBlock, np = Math.min(sp.perBlock, panels - j0);
            if (mc <= 0 || np <= 0) return;
            int ldc = np * NR, q0 = (img * g.c + grp * g.cg) * plane + j0 * NR;
            float[] c = Scratch.get().floats(7, mc * ldc);
            float[] pack = Scratch.get().floats(6, VectorGemm.PACK_FLOATS);
            if (inPlace) VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, x, koff, q0, np, c, ldc, pack);
            else VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, src, koff, q0, np, c, ldc, pack);
            int yBase = (img * g.m + grp * g.mg) * g.p, first = j0 * NR, last = Math.min(q, first + ldc);
            for (int r = 0; r < mc && m0 + r < g.mg; r++) {
                int ch = grp * g.mg + m0 + r, at = r * ldc;
                finish(c, at, last - first, bias == null ? 0f : bias[ch], bias != null, act);
                // the block's pixels [first, last) of the padded-width output, row by row into the arena
                for (int oy = first / wp; oy * wp < last; oy++) {
                    int from = Math.max(first, oy * wp), to = Math.min(last, oy * wp + g.ow);
                    if (to > from) y.put(yBase + (m0 + r) * g.p + oy * g.ow + from - oy * wp, c, at + from - first, to - from);
                }
            }
        });
    }

    /**
     * Other strides: im2col blocks of output rows, patch rows padded to whole panels. Where an image gives the
     * cores too few blocks, its output channels are split and the patches are made once, shared by the parts.
     */
    private static void patches(ConvKernel.Geometry g, FloatBuffer x, float[] a, int mgp, float[] bias, Activation act, FloatBuffer y) {
        int minRows = (MIN_PANELS * NR + g.ow - 1) / g.ow;
        int rowsPerBlock = Math.min(g.oh, Math.max(minRows, PATCH_FLOATS / Math.max(1, g.k * g.ow)));
        Split sp = new Split(g, g.oh, minRows, rowsPerBlock, mgp);
        if (sp.chunks > 1) {
            sharedPatches(g, x, a, mgp, bias, act, y);
            return;
        }
        Parallel.forEach(sp.tasks(), t -> {
            int img = sp.image(t), grp = sp.group(t);
            int oy0 = sp.block(t) * sp.perBlock, rows = Math.min(sp.perBlock, g.oh - oy0);
            if (rows <= 0) return;
            int len = rows * g.ow, panels = (len + NR - 1) / NR, ld = panels * NR;
            Scratch s = Scratch.get();
            float[] patch = s.floats(0, g.k * ld);
            ConvKernel.im2col(g, x, (img * g.c + grp * g.cg) * g.h * g.w, oy0, rows, patch, ld, s.floats(3, ConvKernel.im2colRows(g, rows)), 0, g.cg);
            multiplyAndStore(g, a, mgp, 0, mgp, patch, rowOffsets(g.k, ld, len, patch, s), 0, panels, len, (img * g.m + grp * g.mg) * g.p + oy0 * g.ow, bias, act, y, grp);
        });
    }

    /** A small image: its patches once on the caller's heap (made by all cores), then blocks of panels x output channels. */
    private static void sharedPatches(ConvKernel.Geometry g, FloatBuffer x, float[] a, int mgp, float[] bias, Activation act, FloatBuffer y) {
        int len = g.p, panels = (len + NR - 1) / NR, ld = panels * NR;
        Scratch caller = Scratch.get();
        float[] patch = caller.floats(4, g.k * ld);
        int[] koff = rowOffsets(g.k, ld, len, patch, caller);
        Split sp = new Split(g, panels, MIN_PANELS, BLOCK_PANELS, mgp);
        int parts = Math.min(g.cg, 2 * Parallel.threads()), perPart = (g.cg + parts - 1) / parts;
        for (int img = 0; img < g.n; img++) {
            for (int grp = 0; grp < g.group; grp++) {
                int xBase = (img * g.c + grp * g.cg) * g.h * g.w, yBase = (img * g.m + grp * g.mg) * g.p, group = grp;
                Parallel.forEach(parts, t -> ConvKernel.im2col(g, x, xBase, 0, g.oh, patch, ld, Scratch.get().floats(3, ConvKernel.im2colRows(g, g.oh)),
                        t * perPart, Math.min(g.cg, (t + 1) * perPart)));
                Parallel.forEach(sp.blocks * sp.chunks, t -> {
                    int j0 = sp.block(t) * sp.perBlock, np = Math.min(sp.perBlock, panels - j0), m0 = sp.row0(t), mc = sp.rows(t);
                    if (mc <= 0 || np <= 0) return;
                    multiplyAndStore(g, a, mgp, m0, mc, patch, koff, j0, np, Math.min(len - j0 * NR, np * NR), yBase + j0 * NR, bias, act, y, group);
                });
            }
        }
    }

    /** The offset of each patch row ({@code ld} apart), with the columns past {@code len} zeroed. */
    private static int[] rowOffsets(int k, int ld, int len, float[] patch, Scratch s) {
        int[] koff = s.ints(k);
        for (int kk = 0; kk < k; kk++) {
            koff[kk] = kk * ld;
            Arrays.fill(patch, kk * ld + len, (kk + 1) * ld, 0f);
        }
        return koff;
    }

    /**
     * Output channels [m0, m0 + mc) of the group's padded rows times panels [j0, j0 + np) of B; finished and
     * written to the arena as {@code len} consecutive output pixels from {@code yAt} (channel m0's).
     */
    private static void multiplyAndStore(ConvKernel.Geometry g, float[] a, int mgp, int m0, int mc, float[] b, int[] koff, int j0, int np, int len,
            int yAt, float[] bias, Activation act, FloatBuffer y, int grp) {
        Scratch s = Scratch.get();
        int ldc = np * NR;
        float[] c = s.floats(7, mc * ldc);
        VectorGemm.multiply(a, (grp * mgp + m0) * g.k, mc, g.k, b, koff, j0 * NR, np, c, ldc, s.floats(6, VectorGemm.PACK_FLOATS));
        for (int r = 0; r < mc && m0 + r < g.mg; r++) {
            finish(c, r * ldc, len, bias == null ? 0f : bias[grp * g.mg + m0 + r], bias != null, act);
            y.put(yAt + (m0 + r) * g.p, c, r * ldc, len);
        }
    }

    /** Bias and activation over one finished row of a block, while it is in cache. */
    private static void finish(float[] c, int at, int len, float b, boolean hasBias, Activation act) {
        if (hasBias) {
            for (int i = at; i < at + len; i++) c[i] += b;
        }
        if (act != null) act.apply(c, at, len);
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

    /** The input of every image and channel on the caller's heap, each plane zero-padded to hp x wp, plus {@code slack} zeros. */
    private static float[] padded(ConvKernel.Geometry g, FloatBuffer x, int wp, int hp, int slack) {
        int planes = g.n * g.c, plane = hp * wp;
        float[] src = Scratch.get().floats(4, planes * plane + slack);
        Parallel.forEach(planes, pl -> PaddedPlane.copy(x, pl * g.h * g.w, g.h, g.w, g.ph, g.pw, src, pl * plane, wp, hp, 0f));
        Arrays.fill(src, planes * plane, planes * plane + slack, 0f);
        return src;
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
            for (int kk = 0, d = block; kk < k; kk++, d += MR) {
                for (int lane = 0; lane < MR; lane++) a[d + lane] = src[lane * k + kk];
            }
        });
        return a;
    }
}
