package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A register-blocked single-precision GEMM on the Java Vector API at the CPU's width ({@link Lanes}): C = A x B for an A
 * on the heap packed in blocks of {@link #MR} rows ({@code A[block][k][MR]}: the eight values a step of the
 * kernel broadcasts are adjacent, 13% faster than eight rows apart) and a B whose rows are runs in one heap array, found through a table of
 * offsets (see {@link #multiply}). Each call of the micro-kernel keeps an
 * 8 x 48 block of C in 24 vector registers for the whole k loop: per k it loads three vectors of B, broadcasts
 * eight values of A and issues 24 fused multiply-adds. On this machine that is about 150 GFLOPS a core, where
 * OpenBLAS's sgemm, called per block of a convolution, gives 70-100 (docs/cpu-backend.md). With 8-lane vectors (AVX2:
 * 16 registers of 8 floats) that block would not fit, so A comes in blocks of 6 rows and each panel is computed in
 * 6 x 16 blocks (12 accumulators, two vectors of B per k, six broadcasts: {@link #kernel6x16}); the panels and the
 * order of every element's multiply-adds are the same, so both widths give the same bits.
 * <p>
 * Each element of C is one fused multiply-add chain over k in order, whatever the blocking: results depend on
 * the values only, not on how rows or columns are split into calls (tiled and untiled layers agree bit for bit).
 * Called only where {@link VectorSupport#enabled()}: this class needs the {@code jdk.incubator.vector} module.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = Lanes.S;
    /** Floats per vector: 16 (AVX-512) or 8 (AVX2). */
    private static final int L = Lanes.L;
    /** Rows of A (and C) per block of A, 8 with 16-lane vectors and 6 with 8-lane ones: A's rows are padded to a multiple of this with zeros. */
    static final int MR = L == 16 ? 8 : 6;
    /** Columns of a B panel (three 16-lane vectors, six 8-lane ones). */
    static final int NR = 48;

    private VectorGemm() {
    }

    /**
     * C[r][q + col] for rows [0, rows) (a multiple of {@link #MR}) and the columns [q0, q0 + cols), computed in
     * panels of {@link #NR} and a last one of 16, 32 or 48 (a 13x13 map's 193 columns, over its padded width, made
     * five full panels for one column in the last; they are four and one of 16 now): C[r][q]
     * = sum over kk of A[r][kk] * B(kk, q), where B(kk, q) = {@code b[koff[kk] + q]}. A[r][kk] is {@code
     * a[aOff + (r / MR) * k * MR + kk * MR + r % MR]}; C's element (r, q) is {@code c[r * ldc + q - q0]}. The offset table lets B be an im2col block
     * (koff[kk] = kk * row length) or the zero-padded input itself, each tap's row shifted (a stride-1
     * convolution without im2col). The k loop runs in chunks of {@link #KC}: each chunk of a panel is packed into
     * {@code pack} and stays in L1 across the rows; partial sums wait in C, so every element is still one
     * multiply-add chain over kk in order. Columns of the last panel past {@code cols}, up to its width, are
     * computed too (C must have room for them).
     */
    static void multiply(float[] a, int aOff, int rows, int k, float[] b, int[] koff, int q0, int cols, float[] c, int ldc, float[] pack) {
        multiply(a, aOff, rows, k, b, null, koff, q0, cols, c, ldc, pack);
    }

    /**
     * As {@link #multiply(float[], int, int, int, float[], int[], int, int, float[], int, float[])} with B read
     * where it lies in the arena ({@code b}'s absolute indices): no heap copy of an input that needs no padding.
     * Columns past the buffer's end read as zeros.
     */
    static void multiply(float[] a, int aOff, int rows, int k, java.nio.FloatBuffer b, int[] koff, int q0, int cols, float[] c, int ldc, float[] pack) {
        multiply(a, aOff, rows, k, null, b, koff, q0, cols, c, ldc, pack);
    }

    /**
     * As {@link #multiply(float[], int, int, int, float[], int[], int, int, float[], int, float[])} with the columns
     * the pixels of an {@code ow}-wide image whose rows lie {@code wq} apart in B: B(kk, q) = {@code b[koff[kk] +
     * base + (q / ow) * wq + q % ow]}. A convolution over a small padded map computes its output pixels only, not
     * the padded width's columns past each row (a 13x13 map: 176 columns where the padded width made 208). B's
     * rows must have 16 floats of slack past the last pixel read.
     */
    static void multiply(float[] a, int aOff, int rows, int k, float[] b, int[] koff, int base, int ow, int wq, int q0, int cols, float[] c, int ldc,
            float[] pack) {
        multiply(a, aOff, rows, k, b, null, koff, base, ow, wq, q0, cols, c, ldc, pack);
    }

    private static void multiply(float[] a, int aOff, int rows, int k, float[] b, java.nio.FloatBuffer bArena, int[] koff, int q0, int cols, float[] c,
            int ldc, float[] pack) {
        multiply(a, aOff, rows, k, b, bArena, koff, 0, 0, 0, q0, cols, c, ldc, pack);
    }

    private static void multiply(float[] a, int aOff, int rows, int k, float[] b, java.nio.FloatBuffer bArena, int[] koff, int base, int ow, int wq,
            int q0, int cols, float[] c, int ldc, float[] pack) {
        int panels = (cols + NR - 1) / NR;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            for (int j = 0; j < panels; j++) {
                // the panel's width: NR, or the last one's columns rounded up to whole vectors
                int width = Math.min(NR, (cols - j * NR + 15) / 16 * 16);
                if (ow > 0) pack(b, koff, k0, k1, base, ow, wq, q0 + j * NR, width, pack);
                else if (b != null) pack(b, koff, k0, k1, q0 + j * NR, width, pack);
                else pack(bArena, koff, k0, k1, q0 + j * NR, width, pack);
                // 8 lanes: the packed rows, width floats apart, through an offset table for the one 6 x 16 kernel
                // (the pack's own table of runs, above, is done with)
                int[] packed = L != 16 ? Scratch.get().ints(1, k1) : null;
                if (packed != null) for (int kk = k0; kk < k1; kk++) packed[kk] = (kk - k0) * width;
                for (int r = 0; r < rows; r += MR) {
                    int at = r * ldc + j * NR;
                    if (L != 16) {
                        // the block's six rows over the panel's 16-column strips
                        for (int col = 0; col < width; col += 16) kernel6x16(a, aOff + r * k, k0, k1, pack, packed, col, c, at + col, ldc, k0 > 0);
                    } else if (width == NR) kernel(a, aOff + r * k, k0, k1, pack, c, at, ldc, k0 > 0);
                    else if (width == 32) kernel32(a, aOff + r * k, k0, k1, pack, c, at, ldc, k0 > 0);
                    else kernel16(a, aOff + r * k, k0, k1, pack, c, at, ldc, k0 > 0);
                }
            }
        }
    }

    /**
     * The 8-lane form of {@link #multiply(float[], int, int, int, float[], int[], int, int, float[], int, float[])}
     * for a B whose rows are shifted runs of one padded image (a convolution's taps): B is read where it lies, not
     * packed. Per k chunk, each 16-column strip is computed for every block of rows before the next strip, so the
     * image lines a strip reads (a 3x3 kernel's nine taps of a channel share three rows of them: 11 KiB for a chunk
     * of 28 channels) stay in L1 across the row blocks, and no pass copies them. On the AMD EPYC Milan host, in
     * YOLOv4-tiny's frames alternated with the packed path in one process, its 3x3 convolutions of 32 and 64
     * channels took 14-22% less time; 1x1 ones, whose rows are whole planes apart and share no lines, were no
     * faster and keep the packed path (docs/cpu-backend.md). The order of every element's multiply-adds is the
     * packed path's, so are the bits.
     */
    static void multiplyShifted(float[] a, int aOff, int rows, int k, float[] b, int[] koff, int q0, int cols, float[] c, int ldc) {
        if (L != 8) throw new IllegalStateException("multiplyShifted is the 8-lane path; 16-lane vectors pack B");
        int width = (cols + 15) / 16 * 16;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            for (int col = 0; col < width; col += 16) {
                for (int r = 0; r < rows; r += MR) kernel6x16(a, aOff + r * k, k0, k1, b, koff, q0 + col, c, r * ldc + col, ldc, k0 > 0);
            }
        }
    }

    /** Multiply-adds of one k chunk per panel before the next panel: a packed chunk of B is 48 KiB at most. */
    static final int KC = 256;

    /** Floats {@link #multiply}'s {@code pack} must hold. */
    static final int PACK_FLOATS = KC * NR + 16;

    /**
     * B's rows [k0, k1) of one panel, copied to one contiguous run that every row block of A then streams through:
     * reading B's rows where they lie (hundreds of scattered runs a panel) ran the kernel 25-50% slower.
     */
    private static void pack(float[] b, int[] koff, int k0, int k1, int q, int width, float[] pack) {
        if (width == NR && L == 16) {
            for (int kk = k0, d = 0; kk < k1; kk++, d += NR) {
                int bi = koff[kk] + q;
                FloatVector.fromArray(S, b, bi).intoArray(pack, d);
                FloatVector.fromArray(S, b, bi + 16).intoArray(pack, d + 16);
                FloatVector.fromArray(S, b, bi + 32).intoArray(pack, d + 32);
            }
            return;
        }
        for (int kk = k0, d = 0; kk < k1; kk++, d += width) {
            int bi = koff[kk] + q;
            for (int v = 0; v < width; v += L) FloatVector.fromArray(S, b, bi + v).intoArray(pack, d + v);
        }
    }

    /**
     * {@link #pack} of pixel columns (see {@link #multiply(float[], int, int, int, float[], int[], int, int, int,
     * int, int, float[], int, float[])}): the panel's pixels are runs of at most 16 in one image row each, and each
     * run is copied as one whole vector, in order, so that what a run writes past its end the next one overwrites
     * (16-lane gathers instead cost more than the padded columns saved). Columns past the last pixel keep what they
     * held; the product computes and drops them.
     */
    private static void pack(float[] b, int[] koff, int k0, int k1, int base, int ow, int wq, int q, int width, float[] pack) {
        int[] runs = Scratch.get().ints(1, 2 * width);
        int n = 0;
        for (int p = q, end = q + width; p < end; ) {
            int ox = p % ow, len = Math.min(16, Math.min(ow - ox, end - p));
            runs[n++] = base + p / ow * wq + ox;
            runs[n++] = p - q;
            p += len;
        }
        for (int kk = k0, d = 0; kk < k1; kk++, d += width) {
            int bi = koff[kk];
            for (int i = 0; i < n; i += 2) {
                for (int v = 0; v < 16; v += L) FloatVector.fromArray(S, b, bi + runs[i] + v).intoArray(pack, d + runs[i + 1] + v);
            }
        }
    }

    private static void pack(java.nio.FloatBuffer b, int[] koff, int k0, int k1, int q, int width, float[] pack) {
        int limit = b.limit();
        for (int kk = k0, d = 0; kk < k1; kk++, d += width) {
            int bi = koff[kk] + q, n = Math.max(0, Math.min(width, limit - bi));
            b.get(bi, pack, d, n);
            if (n < width) java.util.Arrays.fill(pack, d + n, d + width, 0f);
        }
    }

    private static void kernel(float[] a, int aOff, int k0, int k1, float[] b, float[] c, int cOff, int ldc, boolean add) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (add) {
            int o = cOff;
            c00 = FloatVector.fromArray(S, c, o); c01 = FloatVector.fromArray(S, c, o + 16); c02 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c10 = FloatVector.fromArray(S, c, o); c11 = FloatVector.fromArray(S, c, o + 16); c12 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c20 = FloatVector.fromArray(S, c, o); c21 = FloatVector.fromArray(S, c, o + 16); c22 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c30 = FloatVector.fromArray(S, c, o); c31 = FloatVector.fromArray(S, c, o + 16); c32 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c40 = FloatVector.fromArray(S, c, o); c41 = FloatVector.fromArray(S, c, o + 16); c42 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c50 = FloatVector.fromArray(S, c, o); c51 = FloatVector.fromArray(S, c, o + 16); c52 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c60 = FloatVector.fromArray(S, c, o); c61 = FloatVector.fromArray(S, c, o + 16); c62 = FloatVector.fromArray(S, c, o + 32); o += ldc;
            c70 = FloatVector.fromArray(S, c, o); c71 = FloatVector.fromArray(S, c, o + 16); c72 = FloatVector.fromArray(S, c, o + 32);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c10 = z; c11 = z; c12 = z; c20 = z; c21 = z; c22 = z; c30 = z; c31 = z; c32 = z;
            c40 = z; c41 = z; c42 = z; c50 = z; c51 = z; c52 = z; c60 = z; c61 = z; c62 = z; c70 = z; c71 = z; c72 = z;
        }
        for (int kk = k0, bi = 0; kk < k1; kk++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 32);
            int ai = aOff + kk * MR;
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41); c42 = b2.fma(x, c42);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51); c52 = b2.fma(x, c52);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61); c62 = b2.fma(x, c62);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71); c72 = b2.fma(x, c72);
        }
        // stored here, not through a helper: vectors passed to a method that is not inlined are boxed (4x slower)
        int o = cOff;
        c00.intoArray(c, o); c01.intoArray(c, o + 16); c02.intoArray(c, o + 32); o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + 16); c12.intoArray(c, o + 32); o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + 16); c22.intoArray(c, o + 32); o += ldc;
        c30.intoArray(c, o); c31.intoArray(c, o + 16); c32.intoArray(c, o + 32); o += ldc;
        c40.intoArray(c, o); c41.intoArray(c, o + 16); c42.intoArray(c, o + 32); o += ldc;
        c50.intoArray(c, o); c51.intoArray(c, o + 16); c52.intoArray(c, o + 32); o += ldc;
        c60.intoArray(c, o); c61.intoArray(c, o + 16); c62.intoArray(c, o + 32); o += ldc;
        c70.intoArray(c, o); c71.intoArray(c, o + 16); c72.intoArray(c, o + 32);
    }

    /** {@link #kernel} for a last panel of 32 columns (two vectors; B packed 32 floats per k). */
    private static void kernel32(float[] a, int aOff, int k0, int k1, float[] b, float[] c, int cOff, int ldc, boolean add) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (add) {
            int o = cOff;
            c00 = FloatVector.fromArray(S, c, o); c01 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c10 = FloatVector.fromArray(S, c, o); c11 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c20 = FloatVector.fromArray(S, c, o); c21 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c30 = FloatVector.fromArray(S, c, o); c31 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c40 = FloatVector.fromArray(S, c, o); c41 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c50 = FloatVector.fromArray(S, c, o); c51 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c60 = FloatVector.fromArray(S, c, o); c61 = FloatVector.fromArray(S, c, o + 16); o += ldc;
            c70 = FloatVector.fromArray(S, c, o); c71 = FloatVector.fromArray(S, c, o + 16);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int kk = k0, bi = 0; kk < k1; kk++, bi += 32) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + 16);
            int ai = aOff + kk * MR;
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
        }
        int o = cOff;
        c00.intoArray(c, o); c01.intoArray(c, o + 16); o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + 16); o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + 16); o += ldc;
        c30.intoArray(c, o); c31.intoArray(c, o + 16); o += ldc;
        c40.intoArray(c, o); c41.intoArray(c, o + 16); o += ldc;
        c50.intoArray(c, o); c51.intoArray(c, o + 16); o += ldc;
        c60.intoArray(c, o); c61.intoArray(c, o + 16); o += ldc;
        c70.intoArray(c, o); c71.intoArray(c, o + 16);
    }

    /**
     * The 8-lane kernel: a 6 x 16 block of C (A's block of {@link #MR} = 6 rows) in 12 accumulators over the k
     * chunk, B's two vectors per k read at {@code b[koff[kk] + q]} (a packed panel through a table of its rows, or
     * a padded image's shifted rows where they lie); per k two loads of B, six broadcasts of A and 12 fused
     * multiply-adds, 15 of AVX2's 16 registers (a 4 x 16 block, 8 accumulators, ran 1.4x slower in cache).
     */
    private static void kernel6x16(float[] a, int aOff, int k0, int k1, float[] b, int[] koff, int q, float[] c, int cOff, int ldc, boolean add) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (add) {
            int o = cOff;
            c00 = FloatVector.fromArray(S, c, o); c01 = FloatVector.fromArray(S, c, o + 8); o += ldc;
            c10 = FloatVector.fromArray(S, c, o); c11 = FloatVector.fromArray(S, c, o + 8); o += ldc;
            c20 = FloatVector.fromArray(S, c, o); c21 = FloatVector.fromArray(S, c, o + 8); o += ldc;
            c30 = FloatVector.fromArray(S, c, o); c31 = FloatVector.fromArray(S, c, o + 8); o += ldc;
            c40 = FloatVector.fromArray(S, c, o); c41 = FloatVector.fromArray(S, c, o + 8); o += ldc;
            c50 = FloatVector.fromArray(S, c, o); c51 = FloatVector.fromArray(S, c, o + 8);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int kk = k0; kk < k1; kk++) {
            int bi = koff[kk] + q;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + 8);
            int ai = aOff + kk * 6;
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        int o = cOff;
        c00.intoArray(c, o); c01.intoArray(c, o + 8); o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + 8); o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + 8); o += ldc;
        c30.intoArray(c, o); c31.intoArray(c, o + 8); o += ldc;
        c40.intoArray(c, o); c41.intoArray(c, o + 8); o += ldc;
        c50.intoArray(c, o); c51.intoArray(c, o + 8);
    }

    /** {@link #kernel} for a last panel of 16 columns (one vector; B packed 16 floats per k). */
    private static void kernel16(float[] a, int aOff, int k0, int k1, float[] b, float[] c, int cOff, int ldc, boolean add) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (add) {
            c0 = FloatVector.fromArray(S, c, cOff); c1 = FloatVector.fromArray(S, c, cOff + ldc); c2 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c3 = FloatVector.fromArray(S, c, cOff + 3 * ldc); c4 = FloatVector.fromArray(S, c, cOff + 4 * ldc); c5 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, cOff + 6 * ldc); c7 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int kk = k0, bi = 0; kk < k1; kk++, bi += 16) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            int ai = aOff + kk * MR;
            c0 = b0.fma(FloatVector.broadcast(S, a[ai]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[ai + 1]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[ai + 2]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[ai + 3]), c3);
            c4 = b0.fma(FloatVector.broadcast(S, a[ai + 4]), c4);
            c5 = b0.fma(FloatVector.broadcast(S, a[ai + 5]), c5);
            c6 = b0.fma(FloatVector.broadcast(S, a[ai + 6]), c6);
            c7 = b0.fma(FloatVector.broadcast(S, a[ai + 7]), c7);
        }
        c0.intoArray(c, cOff); c1.intoArray(c, cOff + ldc); c2.intoArray(c, cOff + 2 * ldc); c3.intoArray(c, cOff + 3 * ldc);
        c4.intoArray(c, cOff + 4 * ldc); c5.intoArray(c, cOff + 5 * ldc); c6.intoArray(c, cOff + 6 * ldc); c7.intoArray(c, cOff + 7 * ldc);
    }
}
