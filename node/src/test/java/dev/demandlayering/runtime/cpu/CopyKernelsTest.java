package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched 2-D transpose against the index formula, through each of its tilings (narrow, short, square; several
 * tiles); channel Concat, Split and Slice of batch-1 tensors, whose runs are copied in pieces over the cores.
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

    @Test
    void slicesCopyTheirElementsWhetherOrNotTheyAreOneRunOfTheInput() {
        int[] shape = {1, 8, 50, 60};
        TensorView in = TensorView.heap(shape);
        for (int k = 0; k < in.size(); k++) in.data().put(k, k);
        // channels 2..5 (one run, copied in pieces), rows 10..29 of every channel (one run per channel), every other column
        int[][][] cases = {{{0, 2, 0, 0}, {1, 4, 50, 60}, {1, 1, 1, 1}}, {{0, 0, 10, 0}, {1, 8, 20, 60}, {1, 1, 1, 1}},
                {{0, 1, 0, 1}, {1, 3, 50, 30}, {1, 1, 1, 2}}};
        for (int[][] c : cases) {
            int[] start = c[0], os = c[1], step = c[2];
            TensorView out = TensorView.heap(os);
            Attributes a = new Attributes().put("starts", start).put("steps", step);
            new CopyKernels().run(new Node("Slice", "s", List.of("x"), List.of("y"), a), new TensorView[] {in}, new TensorView[] {out});
            for (int ch = 0, o = 0; ch < os[1]; ch++) {
                for (int y = 0; y < os[2]; y++) {
                    for (int x = 0; x < os[3]; x++, o++) {
                        int want = ((start[1] + ch * step[1]) * 50 + start[2] + y * step[2]) * 60 + start[3] + x * step[3];
                        assertEquals(want, out.data().get(o), 0f, java.util.Arrays.deepToString(c) + " at " + o);
                    }
                }
            }
        }
    }
}
