package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;

/**
 * Gemm (Y = alpha * A' B' + beta * C) and numpy MatMul. With OpenBLAS the products run on sgemm in place, split
 * into blocks of output columns across the cores (float16 weights widened a block at a time into scratch); the
 * addend C is added to each finished block. Without it, rows of the output are computed in parallel, each a sum
 * over k in fixed order of A[m,k] * B[k,:], with B rows bulk-copied to the heap so loops vectorise.
 */
final class MatMulKernel implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        if (node.opType().equals("Gemm")) {
            gemm(node.attributes(), in, out[0]);
        } else {
            matmul(in[0], in[1], out[0]);
        }
    }

    private static void gemm(Attributes a, TensorView[] in, TensorView y) {
        boolean ta = a.getInt("transA", 0) == 1, tb = a.getInt("transB", 0) == 1;
        float alpha = a.getFloat("alpha", 1f), beta = a.getFloat("beta", 1f);
        int[] as = in[0].shape(), bs = in[1].shape();
        int m = ta ? as[1] : as[0], k = ta ? as[0] : as[1], n = tb ? bs[0] : bs[1];
        if (in[0].nativeFloats() && y.nativeFloats()) {
            BinaryKernel.Operand c = in.length > 2 && beta != 0f ? BinaryKernel.Operand.of(in[2], new int[] {m, n}) : null;
            nativeProduct(in[0].address(), ta, in[1], tb, m, k, n, y, 0, alpha, c, beta);
            return;
        }
        int[] cMap = in.length > 2 ? dev.demandlayering.runtime.ops.Broadcast.indexMap(in[2].shape(), new int[] {m, n}) : null;
        multiply(in[0].data(), 0, ta, WeightRows.of(in[1]), 0, tb, m, k, n, y.data(), 0, alpha,
                cMap == null ? null : (row, col) -> beta * in[2].data().get(cMap[row * n + col]));
    }

    /**
     * Y[m, n] (at element {@code yOff}) = alpha * op(A) op(B) + beta * C: blocks of output columns in parallel, each
     * one sgemm, then C added to the block. B is float32 in the arena or float16 weights, widened per block.
     */
    private static void nativeProduct(long a, boolean ta, TensorView b, boolean tb, int m, int k, int n, TensorView y, int yOff, float alpha,
                                      BinaryKernel.Operand c, float beta) {
        int cols = Math.min(n, Math.max(64, (n / (2 * Parallel.threads()) + 15) / 16 * 16));
        int blocks = (n + cols - 1) / cols;
        Parallel.forEach(blocks, blk -> {
            int j0 = blk * cols, nc = Math.min(cols, n - j0);
            long bAt;
            int ldb;
            if (b.nativeFloats()) {
                bAt = b.address() + 4L * (tb ? (long) j0 * k : j0);
                ldb = tb ? k : n;
            } else if (tb) {
                bAt = NativeMemory.weightRows(b, j0, nc, k);
                ldb = k;
            } else {
                bAt = halfColumns(b, k, n, j0, nc);
                ldb = nc;
            }
            long yAt = y.address() + 4L * (yOff + j0);
            NativeBlas.sgemm(ta, tb, m, nc, k, alpha, a, ta ? m : k, bAt, ldb, 0f, yAt, n);
            if (c != null) addend(y, yOff, m, n, j0, nc, c, beta);
        });
    }

    /** Columns [j0, j0+nc) of float16 weights stored [k][n], widened into scratch as a [k][nc] matrix. */
    private static long halfColumns(TensorView b, int k, int n, int j0, int nc) {
        float[] heap = Scratch.get().floats(4, k * nc);
        WeightRows rows = WeightRows.of(b);
        for (int kk = 0; kk < k; kk++) rows.get(kk * n + j0, heap, kk * nc, nc);
        return NativeMemory.copyIn(1, heap, k * nc);
    }

    /** Adds beta * C (broadcast to [m, n]) to columns [j0, j0+nc) of Y. */
    private static void addend(TensorView y, int yOff, int m, int n, int j0, int nc, BinaryKernel.Operand c, float beta) {
        Scratch s = Scratch.get();
        float[] row = s.floats(0, nc), add = s.floats(1, nc);
        for (int i = 0; i < m; i++) {
            y.data().get(yOff + i * n + j0, row, 0, nc);
            c.fill(i * n + j0, nc, add);
            for (int j = 0; j < nc; j++) row[j] += beta * add[j];
            y.data().put(yOff + i * n + j0, row, 0, nc);
        }
    }

    interface Addend {
        float at(int row, int col);
    }

    /** Y[m,n] = alpha * sum_k A[m,k] B[k,n] (+ addend), with A, B optionally transposed in memory. */
    static void multiply(FloatBuffer a, int aOff, boolean ta, WeightRows b, int bOff, boolean tb, int m, int k, int n,
                         FloatBuffer y, int yOff, float alpha, Addend addend) {
        // B stored as [k][n] takes the row-update path; stored transposed ([n][k]) it takes the dot-product path
        Parallel.forEach(m, row -> {
            Scratch s = Scratch.get();
            float[] arow = s.floats(0, k);
            float[] acc = s.floats(1, n);
            if (ta) {
                for (int kk = 0; kk < k; kk++) arow[kk] = a.get(aOff + kk * m + row);
            } else {
                a.get(aOff + row * k, arow, 0, k);
            }
            java.util.Arrays.fill(acc, 0, n, 0f);
            if (!tb) {
                float[] brow = s.floats(2, n);
                for (int kk = 0; kk < k; kk++) {
                    float av = arow[kk];
                    b.get(bOff + kk * n, brow, 0, n);
                    for (int j = 0; j < n; j++) acc[j] += av * brow[j];
                }
            } else {
                float[] bcol = s.floats(2, k);
                for (int j = 0; j < n; j++) {
                    b.get(bOff + j * k, bcol, 0, k);
                    float sum = 0f;
                    for (int kk = 0; kk < k; kk++) sum += arow[kk] * bcol[kk];
                    acc[j] = sum;
                }
            }
            for (int j = 0; j < n; j++) {
                float v = alpha * acc[j];
                if (addend != null) v += addend.at(row, j);
                acc[j] = v;
            }
            y.put(yOff + row * n, acc, 0, n);
        });
    }

    private static void matmul(TensorView a, TensorView b, TensorView y) {
        int[] as = a.shape().length == 1 ? new int[] {1, a.shape()[0]} : a.shape();
        int[] bs = b.shape().length == 1 ? new int[] {b.shape()[0], 1} : b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2), batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int count = (int) Shapes.size(batch);
        int[] mapA = dev.demandlayering.runtime.ops.Broadcast.indexMap(batchA, batch);
        int[] mapB = dev.demandlayering.runtime.ops.Broadcast.indexMap(batchB, batch);
        for (int i = 0; i < count; i++) {
            if (a.nativeFloats() && b.nativeFloats() && y.nativeFloats()) {
                TensorView bi = new TensorView(b.data(), new int[] {k, n}, null, b.address() + 4L * mapB[i] * k * n, b.vector());
                nativeProduct(a.address() + 4L * mapA[i] * m * k, false, bi, false, m, k, n, y, i * m * n, 1f, null, 0f);
            } else {
                multiply(a.data(), mapA[i] * m * k, false, WeightRows.of(b), mapB[i] * k * n, false, m, k, n, y.data(), i * m * n, 1f, null);
            }
        }
    }
}
