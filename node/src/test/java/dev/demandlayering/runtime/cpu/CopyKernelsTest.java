package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched 2-D transpose against the index formula, through each of its tilings (narrow, short, square; several
 * tiles); channel Concat and Split of batch-1 tensors, whose parts are copied in pieces over the cores.
 */
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

    @Test
    void channelConcatAndSplitOfWholePartsKeepEveryElement() {
        // parts of 36000, 60000 and 12000 floats: several pieces each, and a part smaller than one
        int[] channels = {3, 5, 1};
        TensorView[] parts = new TensorView[channels.length], back = new TensorView[channels.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = TensorView.heap(new int[] {1, channels[i], 100, 120});
            back[i] = TensorView.heap(new int[] {1, channels[i], 100, 120});
            for (int k = 0; k < parts[i].size(); k++) parts[i].data().put(k, i * 1_000_000 + k);
        }
        TensorView whole = TensorView.heap(new int[] {1, 9, 100, 120});
        Attributes axis = new Attributes().put("axis", 1L);
        new CopyKernels().run(new Node("Concat", "c", List.of("a", "b", "c"), List.of("y"), axis), parts, new TensorView[] {whole});
        for (int i = 0, at = 0; i < parts.length; at += parts[i].size(), i++) {
            for (int k = 0; k < parts[i].size(); k++) assertEquals(parts[i].data().get(k), whole.data().get(at + k), 0f, "concat part " + i + " at " + k);
        }
        new CopyKernels().run(new Node("Split", "s", List.of("y"), List.of("a", "b", "c"), axis), new TensorView[] {whole}, back);
        for (int i = 0; i < parts.length; i++) {
            for (int k = 0; k < parts[i].size(); k++) assertEquals(parts[i].data().get(k), back[i].data().get(k), 0f, "split part " + i + " at " + k);
        }
    }
}
