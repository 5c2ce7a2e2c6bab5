package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;

/**
 * Folds a constant Pad of the spatial axes into the op that reads it, so the padded copy of the activation is
 * never materialised (less arena memory and one copy less per layer): a zero Pad into a Conv, a -infinity Pad
 * into a MaxPool (whose padding never wins the maximum: the same thing).
 */
final class PadFolder {
    private final Graph g;

    PadFolder(Graph g) {
        this.g = g;
    }

    void run() {
        for (int i = 0; i < g.nodes().size(); i++) {
            Node pad = g.nodes().get(i);
            if (!pad.opType().equals("Pad") || !pad.attributes().getString("mode", "constant").equals("constant")) continue;
            float value = pad.attributes().getFloat("value", 0f);
            String reader = value == 0f ? "Conv" : value == Float.NEGATIVE_INFINITY ? "MaxPool" : null;
            if (reader == null) continue;
            long[] p = pad.attributes().getLongs("pads", null);
            if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) continue;
            if (p[2] < 0 || p[3] < 0 || p[6] < 0 || p[7] < 0) continue;
            String out = pad.outputs().get(0);
            if (!GraphQueries.onlyReadOnce(g, out)) continue;
            Node conv = g.nodes().stream().filter(n -> n.inputs().contains(out)).findFirst().orElseThrow();
            if (!conv.opType().equals(reader) || !conv.input(0).equals(out) || conv.attributes().getInts("pads", null) == null) continue;
            int[] cp = conv.attributes().getInts("pads", null);
            int[] merged = {cp[0] + (int) p[2], cp[1] + (int) p[3], cp[2] + (int) p[6], cp[3] + (int) p[7]};
            conv.attributes().put("pads", merged);
            conv.inputs().set(0, pad.input(0));
            g.nodes().remove(i);
            g.shapes().remove(out);
            i--;
        }
    }
}
