package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.util.List;

/**
 * Float16 weights that a kernel cannot read as they are get widened to float32 in the arena's workspace just
 * before their node runs. This sizes that part of the workspace and lays the widened copies out in it.
 */
public final class HalfWeights {
    private static final long ALIGN = 256;

    private HalfWeights() {
    }

    /** Which float16 weight inputs a backend widens: input {@code index} of {@code node}, of shape {@code shape}. */
    @FunctionalInterface
    public interface Widened {
        boolean test(Node node, int index, int[] shape);
    }

    /**
     * Workspace bytes to widen, for the node that needs the most, every weight input {@code widened} accepts.
     */
    public static long widenBytes(List<LayeredModel> models, Widened widened) {
        long most = 0;
        for (LayeredModel m : models) {
            for (Layer l : m.layers()) {
                for (Node n : l.nodes()) {
                    long sum = 0;
                    for (int i = 0; i < n.inputs().size(); i++) {
                        String name = n.inputs().get(i);
                        final int idx = i;
                        Layer.WeightRef w = l.weights().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
                        if (w != null && widened.test(n, idx, w.shape())) sum += aligned(w.shape());
                    }
                    most = Math.max(most, sum);
                }
            }
        }
        return most;
    }

    /** Copies float16 values into a float32 tensor of the same shape (the backend's conversion). */
    @FunctionalInterface
    public interface Widen {
        void widen(TensorRef from, TensorRef to);
    }

    /**
     * The node's inputs with every float16 one that {@code widened} accepts widened by {@code widen} into
     * consecutive float32 tensors from arena offset {@code at}; {@code in} itself when there are none.
     */
    public static TensorRef[] widen(Node node, TensorRef[] in, long at, Widened widened, Widen widen) {
        TensorRef[] now = in;
        for (int i = 0; i < in.length; i++) {
            if (!in[i].half() || !widened.test(node, i, in[i].shape())) continue;
            if (now == in) now = in.clone();
            now[i] = new TensorRef(at, in[i].shape());
            widen.widen(in[i], now[i]);
            at += aligned(in[i].shape());
        }
        return now;
    }

    /** Workspace bytes {@link #widen} takes for this node's inputs. */
    public static long bytes(Node node, TensorRef[] in, Widened widened) {
        long sum = 0;
        for (int i = 0; i < in.length; i++) if (in[i].half() && widened.test(node, i, in[i].shape())) sum += aligned(in[i].shape());
        return sum;
    }

    private static long aligned(int[] shape) {
        return (4 * Shapes.size(shape) + ALIGN - 1) / ALIGN * ALIGN;
    }
}
