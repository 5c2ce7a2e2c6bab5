package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;

/** Data movement: Reshape (a copy), Concat, Split, Slice, Transpose and Pad. */
final class CopyKernels implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        switch (node.opType()) {
            case "Reshape" -> out[0].data().put(0, in[0].data(), 0, in[0].size());
            case "Concat" -> concat(node.attributes().getInt("axis", 0), in, out[0]);
            case "Split" -> split(node.attributes().getInt("axis", 0), in[0], out);
            case "Slice" -> strided(in[0], out[0], node.attributes().getInts("starts", null), node.attributes().getInts("steps", null));
            case "Transpose" -> transpose(in[0], out[0], node.attributes().getInts("perm", null));
            case "Pad" -> pad(node, in[0], out[0]);
            default -> throw new IllegalStateException("not a copy op: " + node.opType());
        }
    }

    private static void concat(int axis, TensorView[] in, TensorView out) {
        int[] os = out.shape();
        if (out.size() == 0) return;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= os[i];
        int inner = (int) (Shapes.size(os) / outer / os[axis]);
        int outRow = os[axis] * inner;
        if (outRow < 256 && outer > 1) {
            interleaved(in, out, (int) outer, outRow, inner, axis, true);
            return;
        }
        if (outer == 1) {
            wholeParts(in, out, inner, axis, true);
            return;
        }
        int at = 0;
        for (TensorView t : in) {
            int rowLen = t.shape()[axis] * inner;
            for (int o = 0; o < outer; o++) out.data().put((int) (o * outRow + at), t.data(), o * rowLen, rowLen);
            at += rowLen;
        }
    }

    /** Floats per piece of {@link #wholeParts}. */
    private static final int COPY_CHUNK = 1 << 15;

    /**
     * Concat ({@code join}) or Split where each part is one run (nothing outside the axis: batch 1, channels in
     * NCHW), in pieces of {@link #COPY_CHUNK} floats spread over the cores: one core's bulk copy does not use the
     * memory bandwidth both have (YOLOv4-tiny's channel concats took 2.5 ms a frame on one).
     */
    private static void wholeParts(TensorView[] parts, TensorView whole, int inner, int axis, boolean join) {
        int pieces = 0;
        for (TensorView t : parts) pieces += (t.shape()[axis] * inner + COPY_CHUNK - 1) / COPY_CHUNK;
        Parallel.forEach(pieces, p -> {
            int at = 0, rest = p;
            for (TensorView t : parts) {
                int len = t.shape()[axis] * inner, n = (len + COPY_CHUNK - 1) / COPY_CHUNK;
                if (rest < n) {
                    int from = rest * COPY_CHUNK, m = Math.min(COPY_CHUNK, len - from);
                    if (join) whole.data().put(at + from, t.data(), from, m);
                    else t.data().put(from, whole.data(), at + from, m);
                    return;
                }
                rest -= n;
                at += len;
            }
        });
    }

    /**
     * Concat ({@code join}) or Split of short rows (channels last): blocks of whole rows go through the heap, so
     * each part is read or written once per block instead of once per row.
     */
    private static void interleaved(TensorView[] parts, TensorView whole, int outer, int wholeRow, int inner, int axis, boolean join) {
        int rowsPerBlock = Math.max(1, BLOCK / wholeRow);
        int blocks = (outer + rowsPerBlock - 1) / rowsPerBlock;
        Parallel.forEach(blocks, bk -> {
            int o0 = bk * rowsPerBlock, nb = Math.min(rowsPerBlock, outer - o0);
            Scratch s = Scratch.get();
            float[] w = s.floats(0, nb * wholeRow), p = s.floats(1, nb * wholeRow);
            if (!join) whole.data().get(o0 * wholeRow, w, 0, nb * wholeRow);
            int at = 0;
            for (TensorView t : parts) {
                int rowLen = t.shape()[axis] * inner;
                if (join) t.data().get(o0 * rowLen, p, 0, nb * rowLen);
                for (int o = 0; o < nb; o++) {
                    if (join) {
                        System.arraycopy(p, o * rowLen, w, o * wholeRow + at, rowLen);
                    } else {
                        System.arraycopy(w, o * wholeRow + at, p, o * rowLen, rowLen);
                    }
                }
                if (!join) t.data().put(o0 * rowLen, p, 0, nb * rowLen);
                at += rowLen;
            }
            if (join) whole.data().put(o0 * wholeRow, w, 0, nb * wholeRow);
        });
    }

    private static void split(int axis, TensorView in, TensorView[] out) {
        int[] is = in.shape();
        if (in.size() == 0) return;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= is[i];
        int inner = (int) (Shapes.size(is) / outer / is[axis]);
        int inRow = is[axis] * inner;
        if (inRow < 256 && outer > 1) {
            interleaved(out, in, (int) outer, inRow, inner, axis, false);
            return;
        }
        if (outer == 1) {
            wholeParts(out, in, inner, axis, false);
            return;
        }
        int at = 0;
        for (TensorView t : out) {
            int rowLen = t.shape()[axis] * inner;
            for (int o = 0; o < outer; o++) t.data().put(o * rowLen, in.data(), (int) (o * inRow + at), rowLen);
            at += rowLen;
        }
    }

    /** out[idx] = in[start + idx * step] per axis; contiguous innermost runs are bulk-copied. */
    private static void strided(TensorView in, TensorView out, int[] start, int[] step) {
        int[] os = out.shape();
        int rank = os.length;
        int n = out.size();
        if (n == 0) return;
        int[] is = Shapes.strides(in.shape());
        int from = contiguousFrom(in.shape(), os, start, step, is);
        if (from >= 0) {
            // one run of the input (a channel slice of a batch-1 tensor): in pieces over the cores, as whole parts are
            Parallel.forEach((n + COPY_CHUNK - 1) / COPY_CHUNK, p -> out.data().put(p * COPY_CHUNK, in.data(), from + p * COPY_CHUNK,
                    Math.min(COPY_CHUNK, n - p * COPY_CHUNK)));
            return;
        }
        int last = rank - 1;
        boolean runCopy = step[last] == 1;
        int run = runCopy ? os[last] : 1;
        int[] idx = new int[rank];
        FloatBuffer src = in.data(), dst = out.data();
        for (int o = 0; o < n; o += run) {
            int off = 0;
            for (int d = 0; d < rank; d++) off += (start[d] + idx[d] * step[d]) * is[d];
            if (runCopy) {
                dst.put(o, src, off, run);
            } else {
                dst.put(o, src.get(off));
            }
            for (int d = runCopy ? last - 1 : last; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
    }

    /**
     * Where the slice starts in the input when it is one contiguous run of it (unit steps; every axis before the
     * first sliced one of size 1 in the output, every axis after it whole), else -1.
     */
    private static int contiguousFrom(int[] inShape, int[] os, int[] start, int[] step, int[] strides) {
        int k = 0;
        while (k < os.length && os[k] == inShape[k]) k++;
        for (int d = 0; d < os.length; d++) {
            if (step[d] != 1) return -1;
            if (d < k && os[d] != 1 && start[d] != 0) return -1;
            if (d < k && os[d] != 1) {
                // a whole axis before the sliced one: contiguous only if everything after it is whole too
                for (int e = d + 1; e < os.length; e++) if (os[e] != inShape[e]) return -1;
            }
            if (d > k && os[d] != inShape[d]) return -1;
        }
        int from = 0;
        for (int d = 0; d < os.length; d++) from += start[d] * strides[d];
        return from;
    }

    /**
     * A transpose is first folded to the fewest axes (size-1 axes dropped, input axes that stay neighbours
     * merged); the common cases, a copy and a batch of 2-D transposes (NCHW to NHWC and back), move tiles that
     * fit in L1. Other permutations walk the strides.
     */
    private static void transpose(TensorView in, TensorView out, int[] perm) {
        int[] folded = foldTranspose(in.shape(), perm);
        if (folded == null) {
            walkTranspose(in, out, perm);
        } else if (folded.length == 1) {
            out.data().put(0, in.data(), 0, in.size());
        } else {
            transpose2d(in.data(), out.data(), folded[0], folded[1], folded[2]);
        }
    }

    /**
     * A batch of [rows][cols] to [cols][rows] transposes, in blocks of about {@link #BLOCK} elements shaped so
     * that the copies in and out of the arena are long: a narrow matrix (NHWC with few channels) takes whole
     * input rows (one read) and a short one whole output rows (one write); large ones take square tiles.
     */
    static void transpose2d(FloatBuffer in, FloatBuffer out, int batch, int rows, int cols) {
        int rb, cb;
        if (Math.min(rows, cols) > 256) {
            rb = cb = 64;
        } else if (cols < rows) {
            cb = cols;
            rb = Math.max(1, Math.min(rows, BLOCK / cols));
        } else {
            rb = rows;
            cb = Math.max(1, Math.min(cols, BLOCK / rows));
        }
        int tilesR = (rows + rb - 1) / rb, tilesC = (cols + cb - 1) / cb;
        Parallel.forEach(batch * tilesR * tilesC, t -> {
            int b = t / (tilesR * tilesC), r0 = (t / tilesC) % tilesR * rb, c0 = t % tilesC * cb;
            int nr = Math.min(rb, rows - r0), nc = Math.min(cb, cols - c0);
            Scratch s = Scratch.get();
            float[] src = s.floats(0, nr * nc), dst = s.floats(1, nr * nc);
            int base = b * rows * cols;
            if (nc == cols) {
                in.get(base + r0 * cols, src, 0, nr * nc);
            } else {
                for (int r = 0; r < nr; r++) in.get(base + (r0 + r) * cols + c0, src, r * nc, nc);
            }
            // the longer dimension innermost: an output of two channels (NCHW to NHWC) made an inner loop of two
            if (nr >= nc) {
                for (int c = 0; c < nc; c++) {
                    for (int r = 0; r < nr; r++) dst[c * nr + r] = src[r * nc + c];
                }
            } else {
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < nc; c++) dst[c * nr + r] = src[r * nc + c];
                }
            }
            if (nr == rows) {
                out.put(base + c0 * rows, dst, 0, nr * nc);
            } else {
                for (int c = 0; c < nc; c++) out.put(base + (c0 + c) * rows + r0, dst, c * nr, nr);
            }
        });
    }

    private static final int BLOCK = 8192;


    /**
     * {@code {n}} when the transpose is a plain copy of n elements, {@code {batch, rows, cols}} when it is a batch
     * of [rows][cols] to [cols][rows] transposes, or null.
     */
    static int[] foldTranspose(int[] shape, int[] perm) {
        java.util.List<int[]> axes = new java.util.ArrayList<>(); // output order: {input axis, size}
        for (int p : perm) if (shape[p] != 1) axes.add(new int[] {p, shape[p]});
        // merge output neighbours that were input neighbours (skipping size-1 input axes between them)
        java.util.List<int[]> merged = new java.util.ArrayList<>();
        for (int[] a : axes) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && nextNonUnit(shape, last[2]) == a[0]) {
                last[1] *= a[1];
                last[2] = a[0];
            } else {
                merged.add(new int[] {a[0], a[1], a[0]}); // first input axis, size, last input axis
            }
        }
        if (merged.size() <= 1) return new int[] {(int) Shapes.size(shape)};
        if (merged.size() == 2 && merged.get(1)[2] < merged.get(0)[0]) return new int[] {1, merged.get(1)[1], merged.get(0)[1]};
        if (merged.size() == 3 && merged.get(0)[2] < merged.get(2)[0] && merged.get(2)[2] < merged.get(1)[0]) {
            return new int[] {merged.get(0)[1], merged.get(2)[1], merged.get(1)[1]};
        }
        return null;
    }

    private static int nextNonUnit(int[] shape, int axis) {
        for (int d = axis + 1; d < shape.length; d++) if (shape[d] != 1) return d;
        return -1;
    }

    private static void walkTranspose(TensorView in, TensorView out, int[] perm) {
        int[] xs = in.shape();
        int rank = xs.length;
        int[] is = Shapes.strides(xs);
        int[] st = new int[rank];
        int[] start = new int[rank];
        for (int i = 0; i < rank; i++) st[i] = is[perm[i]];
        // view the input through permuted strides: reuse the strided walker on a permuted view
        int[] os = out.shape();
        int n = out.size();
        float[] src = new float[in.size()];
        in.data().get(0, src, 0, src.length);
        float[] dst = new float[n];
        int[] idx = new int[rank];
        int off = 0;
        for (int o = 0; o < n; o++) {
            dst[o] = src[off];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < os[d]) break;
                off -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        out.data().put(0, dst, 0, n);
    }

    private static void pad(Node node, TensorView in, TensorView out) {
        long[] pads = node.attributes().getLongs("pads", null);
        String mode = node.attributes().getString("mode", "constant");
        float value = node.attributes().getFloat("value", 0f);
        if (mode.equals("constant")) {
            constantPad(pads, value, in, out);
        } else {
            edgePad(pads, mode, value, in, out);
        }
    }

    /** Row by row: a row outside the input is the value; one inside is the input row (bulk) between value fills. */
    private static void constantPad(long[] pads, float value, TensorView in, TensorView out) {
        int[] xs = in.shape(), os = out.shape();
        int rank = os.length, last = rank - 1;
        if (out.size() == 0) return;
        int[] is = Shapes.strides(xs);
        int rowLen = os[last], rows = out.size() / rowLen;
        int left = (int) pads[last];
        int from = Math.max(0, left), to = Math.min(rowLen, left + xs[last]);
        Parallel.forEach((rows + 63) / 64, c -> {
            float[] row = Scratch.get().floats(0, rowLen);
            for (int r = c * 64; r < Math.min(rows, c * 64 + 64); r++) {
                int rem = r, src = 0;
                boolean outside = false;
                for (int d = last - 1; d >= 0; d--) {
                    int i = rem % os[d] - (int) pads[d];
                    rem /= os[d];
                    if (i < 0 || i >= xs[d]) outside = true;
                    src += i * is[d];
                }
                if (outside || from >= to) {
                    java.util.Arrays.fill(row, 0, rowLen, value);
                } else {
                    java.util.Arrays.fill(row, 0, from, value);
                    java.util.Arrays.fill(row, to, rowLen, value);
                    in.data().get(src + from - left, row, from, to - from);
                }
                out.data().put(r * rowLen, row, 0, rowLen);
            }
        });
    }

    private static void edgePad(long[] pads, String mode, float value, TensorView in, TensorView out) {
        int[] xs = in.shape(), os = out.shape();
        int rank = xs.length;
        int[] is = Shapes.strides(xs);
        float[] src = new float[in.size()];
        in.data().get(0, src, 0, src.length);
        int n = out.size();
        float[] dst = new float[n];
        int[] idx = new int[rank];
        for (int o = 0; o < n; o++) {
            int off = 0;
            boolean outside = false;
            for (int d = 0; d < rank; d++) {
                int i = idx[d] - (int) pads[d];
                if (i < 0 || i >= xs[d]) {
                    switch (mode) {
                        case "edge" -> i = Math.max(0, Math.min(xs[d] - 1, i));
                        case "reflect" -> i = reflect(i, xs[d]);
                        default -> outside = true;
                    }
                }
                off += i * is[d];
            }
            dst[o] = outside ? value : src[off];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
        out.data().put(0, dst, 0, n);
    }

    private static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
