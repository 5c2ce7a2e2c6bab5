package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;

/**
 * Gemm (Y = alpha * A' B' + beta * C) and numpy MatMul. Rows of the output are computed in parallel; each row
 * is a sum over k in fixed order of A[m,k] * B[k,:], with B rows bulk-copied to the heap so loops vectorise
 * (B may be float16 weights, widened as they are copied).
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
        int[] cMap = in.length > 2 ? dev.demandlayering.runtime.ops.Broadcast.indexMap(in[2].shape(), new int[] {m, n}) : null;
        multiply(in[0].data(), 0, ta, WeightRows.of(in[1]), 0, tb, m, k, n, y.data(), 0, alpha,
                cMap == null ? null : (row, col) -> beta * in[2].data().get(cMap[row * n + col]));
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
            multiply(a.data(), mapA[i] * m * k, false, WeightRows.of(b), mapB[i] * k * n, false, m, k, n, y.data(), i * m * n, 1f, null);
        }
    }
}
