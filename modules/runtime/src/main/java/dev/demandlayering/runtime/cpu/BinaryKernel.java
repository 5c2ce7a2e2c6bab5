package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.util.Arrays;

/**
 * Add, Sub, Mul, Div with numpy broadcasting, in heap chunks. Each operand is seen as the output's shape folded
 * to (outer, mid, inner) with the operand varying along mid only: the same shape (one bulk copy), a scalar, a
 * per-channel vector (a value per run of inner) or a trailing vector (repeated every mid elements). Other
 * broadcasts walk the operand's strides. Nothing is allocated per element.
 */
final class BinaryKernel implements Kernel {
    private static final int CHUNK = 8192;

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int n = out[0].size();
        int op = switch (node.opType()) {
            case "Add" -> 0;
            case "Sub" -> 1;
            case "Mul" -> 2;
            default -> 3;
        };
        Operand a = Operand.of(in[0], out[0].shape()), b = Operand.of(in[1], out[0].shape());
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> {
            int off = c * CHUNK;
            int len = Math.min(CHUNK, n - off);
            Scratch s = Scratch.get();
            float[] x = s.floats(0, len), y = s.floats(1, len);
            a.fill(off, len, x);
            b.fill(off, len, y);
            switch (op) {
                case 0 -> { for (int i = 0; i < len; i++) x[i] = x[i] + y[i]; }
                case 1 -> { for (int i = 0; i < len; i++) x[i] = x[i] - y[i]; }
                case 2 -> { for (int i = 0; i < len; i++) x[i] = x[i] * y[i]; }
                default -> { for (int i = 0; i < len; i++) x[i] = x[i] / y[i]; }
            }
            out[0].data().put(off, x, 0, len);
        });
    }

    /** One operand broadcast to the output's shape. */
    static final class Operand {
        private final TensorView t;
        /** Output elements per operand element along mid (the run length), and the operand's length. */
        private final int inner, mid;
        private final boolean full;
        /** The general case: the operand's stride along each output axis (0 where broadcast). */
        private final int[] outShape, strides;
        private final float[] small;

        private Operand(TensorView t, int inner, int mid, boolean full, int[] outShape, int[] strides) {
            this.t = t;
            this.inner = inner;
            this.mid = mid;
            this.full = full;
            this.outShape = outShape;
            this.strides = strides;
            small = full ? null : heap(t);
        }

        static Operand of(TensorView t, int[] out) {
            int rank = out.length;
            int[] s = new int[rank];
            Arrays.fill(s, 1);
            System.arraycopy(t.shape(), 0, s, rank - t.shape().length, t.shape().length);
            if (Arrays.equals(s, out)) return new Operand(t, 1, t.size(), true, null, null);
            // the operand's non-1 axes must be one run of axes equal to the output's
            int first = -1, last = -1;
            boolean contiguous = true;
            for (int d = 0; d < rank; d++) {
                if (s[d] == 1 && out[d] != 1) continue;
                if (s[d] != 1) {
                    if (first < 0) first = d;
                    else if (last != d - 1) contiguous = false;
                    last = d;
                }
            }
            int size = t.size();
            if (first < 0) return new Operand(t, (int) Shapes.size(out), 1, false, null, null); // a scalar
            if (contiguous) {
                // every axis between first and last must be kept whole, axes after last broadcast (or are 1)
                int inner = 1;
                for (int d = last + 1; d < rank; d++) inner *= out[d];
                boolean whole = true;
                for (int d = first; d <= last; d++) whole &= s[d] == out[d];
                if (whole) return new Operand(t, inner, size, false, null, null);
            }
            int[] st = Shapes.strides(s);
            for (int d = 0; d < rank; d++) if (s[d] == 1) st[d] = 0;
            return new Operand(t, 0, size, false, out, st);
        }

        /** Output elements [off, off+len) of this operand into {@code dst}. */
        void fill(int off, int len, float[] dst) {
            if (full) {
                t.data().get(off, dst, 0, len);
            } else if (inner > 1) {
                // a value per run of inner output elements
                int i = 0;
                while (i < len) {
                    int at = off + i;
                    int run = Math.min(len - i, inner - at % inner);
                    Arrays.fill(dst, i, i + run, small[(at / inner) % mid]);
                    i += run;
                }
            } else if (inner == 1) {
                // the operand repeated every mid elements
                int i = 0;
                while (i < len) {
                    int at = (off + i) % mid;
                    int run = Math.min(len - i, mid - at);
                    System.arraycopy(small, at, dst, i, run);
                    i += run;
                }
            } else {
                int rank = outShape.length;
                int[] idx = new int[rank];
                int rem = off, src = 0;
                for (int d = rank - 1; d >= 0; d--) {
                    idx[d] = rem % outShape[d];
                    rem /= outShape[d];
                    src += idx[d] * strides[d];
                }
                for (int i = 0; i < len; i++) {
                    dst[i] = small[src];
                    for (int d = rank - 1; d >= 0; d--) {
                        idx[d]++;
                        src += strides[d];
                        if (idx[d] < outShape[d]) break;
                        src -= strides[d] * idx[d];
                        idx[d] = 0;
                    }
                }
            }
        }

        private static float[] heap(TensorView t) {
            float[] f = new float[t.size()];
            t.data().get(0, f, 0, f.length);
            return f;
        }
    }
}
