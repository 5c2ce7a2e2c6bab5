package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds Add(Conv(x), c) into the Conv's bias when c is one constant per output channel (shape [C], [C,1,1]
 * or [1,C,1,1]) and the Conv output has no other reader, as converters from TF emit it (Conv2D + BiasAdd).
 */
final class ConvBiasFolder {
    private final Graph g;

    ConvBiasFolder(Graph g) {
        this.g = g;
    }

    void run() {
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node add = nodes.get(i);
            if (!add.opType().equals("Add")) continue;
            for (int side = 0; side < 2; side++) {
                String convOut = add.input(side);
                ConstTensor c = g.constants().get(add.input(1 - side));
                Node conv = GraphQueries.producer(g, convOut);
                if (c == null || conv == null || !conv.opType().equals("Conv") || !GraphQueries.onlyReadOnce(g, convOut)) continue;
                int channels = g.shape(convOut)[1];
                if (!perChannel(c.shape(), channels)) continue;
                float[] bias = new float[channels];
                ConstTensor old = conv.input(2).isEmpty() ? null : g.constants().get(conv.input(2));
                if (!conv.input(2).isEmpty() && old == null) continue;
                for (int k = 0; k < channels; k++) bias[k] = (old == null ? 0f : old.floats()[k]) + c.floats()[k];
                String name = conv.name() + "_bias_folded";
                for (int n = 1; g.constants().containsKey(name); n++) name = conv.name() + "_bias_folded" + n;
                g.constants().put(name, ConstTensor.ofFloats(new int[] {channels}, bias));
                List<String> ins = new ArrayList<>(List.of(conv.input(0), conv.input(1), name));
                nodes.set(nodes.indexOf(conv), new Node("Conv", conv.name(), ins, List.of(add.outputs().get(0)), conv.attributes()));
                g.shapes().remove(convOut);
                nodes.remove(add);
                i--;
                break;
            }
        }
    }

    private static boolean perChannel(int[] s, int channels) {
        int[] p = new int[4];
        java.util.Arrays.fill(p, 1);
        if (s.length == 1) p[1] = s[0];
        else if (s.length <= 4) System.arraycopy(s, 0, p, 4 - s.length, s.length);
        else return false;
        return p[0] == 1 && p[1] == channels && p[2] == 1 && p[3] == 1;
    }

}
