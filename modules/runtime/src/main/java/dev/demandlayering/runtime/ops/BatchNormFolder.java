package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds BatchNormalization into the Conv that feeds it when the Conv output has no other reader:
 * W' = W * g / sqrt(v + eps) per output channel, b' = (b - m) * g / sqrt(v + eps) + beta.
 */
final class BatchNormFolder {
    private final Graph g;

    BatchNormFolder(Graph g) {
        this.g = g;
    }

    void run() {
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node bn = nodes.get(i);
            if (!bn.opType().equals("BatchNormalization")) continue;
            Node conv = GraphQueries.producer(g, bn.input(0));
            if (conv == null || !conv.opType().equals("Conv") || !GraphQueries.onlyReadOnce(g, conv.outputs().get(0))) continue;
            ConstTensor w = g.constants().get(conv.input(1));
            ConstTensor bias = conv.input(2).isEmpty() ? null : g.constants().get(conv.input(2));
            ConstTensor gamma = g.constants().get(bn.input(1)), beta = g.constants().get(bn.input(2));
            ConstTensor mean = g.constants().get(bn.input(3)), var = g.constants().get(bn.input(4));
            if (w == null || gamma == null || beta == null || mean == null || var == null || (!conv.input(2).isEmpty() && bias == null)) continue;
            float eps = bn.attributes().getFloat("epsilon", 1e-5f);
            int cout = w.shape()[0];
            int per = w.size() / cout;
            float[] wf = w.floats().clone();
            float[] bf = new float[cout];
            float[] ga = gamma.floats(), be = beta.floats(), mu = mean.floats(), va = var.floats();
            for (int c = 0; c < cout; c++) {
                float scale = (float) (ga[c] / Math.sqrt(va[c] + eps));
                for (int j = 0; j < per; j++) wf[c * per + j] *= scale;
                float b0 = bias == null ? 0f : bias.floats()[c];
                bf[c] = (b0 - mu[c]) * scale + be[c];
            }
            String wName = uniqueName(conv.input(1) + "_bnfold");
            String bName = uniqueName(conv.name() + "_bias_bnfold");
            g.constants().put(wName, ConstTensor.ofFloats(w.shape(), wf));
            g.constants().put(bName, ConstTensor.ofFloats(new int[] {cout}, bf));
            List<String> ins = new ArrayList<>(List.of(conv.input(0), wName, bName));
            Node folded = new Node("Conv", conv.name(), ins, List.of(bn.outputs().get(0)), conv.attributes());
            g.shapes().remove(conv.outputs().get(0));
            nodes.set(nodes.indexOf(conv), folded);
            nodes.remove(i);
            i--;
        }
    }

    private String uniqueName(String base) {
        String n = base;
        for (int k = 1; g.constants().containsKey(n); k++) n = base + k;
        return n;
    }

}
