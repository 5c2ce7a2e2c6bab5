package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The batched 2-D transpose against the index formula, through each of its tilings (narrow, short, square; several tiles). */
class CopyKernelsTest {
    @Test
    void batchedTransposesMoveEveryElementToItsPlace() {
        int[][] shapes = {{1, 2, 9000}, {2, 36864, 3}, {1, 300, 300}, {3, 5, 7}, {1, 4096, 2}, {2, 3, 5000}};
        for (int[] s : shapes) {
            int batch = s[0], rows = s[1], cols = s[2], n = batch * rows * cols;
            FloatBuffer in = FloatBuffer.allocate(n), out = FloatBuffer.allocate(n);
            for (int i = 0; i < n; i++) in.put(i, i);
            CopyKernels.transpose2d(in, out, batch, rows, cols);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int from = (b * rows + r) * cols + c, to = (b * cols + c) * rows + r;
                        assertEquals(from, out.get(to), 0f, batch + "x" + rows + "x" + cols + " at (" + b + ", " + r + ", " + c + ")");
                    }
                }
            }
        }
    }
}
