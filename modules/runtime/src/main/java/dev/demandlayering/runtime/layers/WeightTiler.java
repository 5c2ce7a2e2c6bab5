package dev.demandlayering.runtime.layers;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Intra-layer weight tiling: a convolution (one group; grouped ones stay whole) or fully connected layer whose
 * weights exceed the tile size
 * is split along its output channels (output features) into tiles, each a layer of its own that streams through
 * the ring and computes its slice of the output, joined by a Concat; the arena can then be smaller than the
 * largest layer. With kernels that sum each output element in one fixed order (the CPU backend's Java loops)
 * outputs are bit-identical; OpenBLAS's sums depend on the shape of the product, so tiled outputs on it differ
 * from untiled ones in the last bits, within the bound docs/cpu-backend.md gives.
 */
public final class WeightTiler {
    private WeightTiler() {
    }

    /** The normalised graph with every weighted node over {@code tileBytes} split; the input graph is not changed. */
    public static Graph tile(Graph g, long tileBytes, String where) {
        if (tileBytes <= 0) throw new IllegalArgumentException(where + ": the tile size must be a positive number of bytes, got " + tileBytes);
        Graph out = new Graph(g.name());
        out.setOpset(g.opset());
        out.inputs().putAll(g.inputs());
        out.outputs().addAll(g.outputs());
        out.constants().putAll(g.constants());
        out.shapes().putAll(g.shapes());
        for (Node n : g.nodes()) {
            long bytes = weightBytes(n, g);
            if (bytes <= tileBytes || !(n.opType().equals("Conv") || n.opType().equals("Gemm"))) {
                out.nodes().add(n);
                continue;
            }
            split(n, g, out, tileBytes, bytes, where);
        }
        return out;
    }

    static long weightBytes(Node n, Graph g) {
        long b = 0;
        for (String in : n.inputs()) {
            ConstTensor c = g.constants().get(in);
            if (c != null) b += 4L * c.size();
        }
        return b;
    }

    private static void split(Node n, Graph g, Graph out, long tileBytes, long bytes, String where) {
        boolean conv = n.opType().equals("Conv");
        ConstTensor w = g.constants().get(n.input(1));
        if (w == null) {
            out.nodes().add(n); // weights computed at run time: nothing to stream
            return;
        }
        ConstTensor bias = n.inputs().size() > 2 && !n.input(2).isEmpty() ? g.constants().get(n.input(2)) : null;
        int[] ws = w.shape();
        boolean transB = !conv && n.attributes().getInt("transB", 0) == 1;
        if (conv && n.attributes().getInt("group", 1) != 1) {
            out.nodes().add(n); // grouped convolutions stay whole (they are small in practice); the planner's minimum counts them
            return;
        }
        if (!conv && n.attributes().getInt("transA", 0) == 1) {
            throw new ModelImportException(where + ": " + n.describe() + ": Gemm with transA is not tiled");
        }
        int channels = conv || transB ? ws[0] : ws[1];
        if (bias != null && bias.size() != channels) {
            throw new ModelImportException(where + ": " + n.describe() + ": its bias of shape " + Arrays.toString(bias.shape())
                    + " is not one value per output channel, so it cannot be tiled");
        }
        long perChannel = bytes / channels;
        if (perChannel > tileBytes) {
            throw new ModelImportException(where + ": " + n.describe() + ": one output channel's weights (" + perChannel
                    + " bytes) exceed the tile size of " + tileBytes + " bytes");
        }
        int perTile = (int) Math.max(1, tileBytes / perChannel);
        int tiles = (channels + perTile - 1) / perTile;
        perTile = (channels + tiles - 1) / tiles; // even tiles
        String y = n.outputs().get(0);
        int[] ys = g.shape(y);
        List<String> parts = new ArrayList<>();
        float[] wv = w.floats();
        int rest = (int) (w.size() / ws[0]);
        for (int t = 0, m0 = 0; m0 < channels; t++, m0 += perTile) {
            int m1 = Math.min(channels, m0 + perTile), mt = m1 - m0;
            float[] tw;
            int[] tshape = ws.clone();
            if (conv || transB) {
                tw = Arrays.copyOfRange(wv, m0 * rest, m1 * rest);
                tshape[0] = mt;
            } else { // B stored [K, N]: take columns m0..m1
                int k = ws[0];
                tw = new float[k * mt];
                for (int r = 0; r < k; r++) System.arraycopy(wv, r * channels + m0, tw, r * mt, mt);
                tshape[1] = mt;
            }
            String wName = n.input(1) + "/tile" + t;
            out.constants().put(wName, ConstTensor.ofFloats(tshape, tw));
            List<String> ins = new ArrayList<>(List.of(n.input(0), wName));
            if (bias != null) {
                String bName = n.input(2) + "/tile" + t;
                out.constants().put(bName, ConstTensor.ofFloats(new int[] {mt}, Arrays.copyOfRange(bias.floats(), m0, m1)));
                ins.add(bName);
            }
            String part = y + "/tile" + t;
            int[] ps = ys.clone();
            ps[1] = mt;
            out.shapes().put(part, ps);
            out.nodes().add(new Node(n.opType(), n.name() + "/tile" + t, ins, List.of(part), n.attributes().copy()));
            parts.add(part);
        }
        out.nodes().add(new Node("Concat", n.name() + "/tiles", parts, List.of(y), new Attributes().put("axis", 1L)));
        // the untiled weights are gone unless another node also reads them
        for (String c : bias != null ? List.of(n.input(1), n.input(2)) : List.of(n.input(1))) {
            if (g.nodes().stream().filter(o -> o != n).noneMatch(o -> o.inputs().contains(c))) out.constants().remove(c);
        }
    }
}
