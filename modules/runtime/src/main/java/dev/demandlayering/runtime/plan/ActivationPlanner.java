package dev.demandlayering.runtime.plan;

import dev.demandlayering.runtime.ops.Operators;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places a model's activation tensors in one region by liveness: a tensor lives from the node that writes
 * it to the last node that reads it (graph inputs from the start, outputs to the end), and tensors whose
 * lives overlap never share bytes, except that an element-wise op may write its output over an input of
 * the same size that it is the last reader of (in place). Greedy by size, largest first, each at the lowest offset that fits
 * between the tensors it overlaps (the classic offset-assignment heuristic).
 */
public final class ActivationPlanner {
    public static final int ALIGN = 64;

    private ActivationPlanner() {
    }

    /**
     * Offsets relative to the region start, the region's size in bytes, and the placed byte ranges with the node
     * steps (model order, 0-based) over which each is in use: what {@link SlackSlots} lends to streamed blobs.
     */
    public record Placement(Map<String, Long> offsets, long bytes, List<Life> lives) {
    }

    /** Bytes [offset, offset + bytes) are in use from node step {@code first} to {@code last}, both included. */
    public record Life(long offset, long bytes, int first, int last) {
    }

    public static Placement place(LayeredModel m) {
        List<Node> nodes = m.layers().stream().flatMap(l -> l.nodes().stream()).toList();
        Map<String, int[]> life = new LinkedHashMap<>(); // {first, last}
        for (String in : m.inputs().keySet()) life.put(in, new int[] {0, 0});
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            for (String in : n.inputs()) {
                int[] r = life.get(in);
                if (r != null) r[1] = Math.max(r[1], step);
            }
            for (String o : n.outputs()) life.put(o, new int[] {step, step});
        }
        for (String o : m.outputs()) life.get(o)[1] = nodes.size();
        // in-place: an element-wise output takes over an equally sized input that dies at that node
        Map<String, String> root = new HashMap<>();
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            if (!Operators.inPlace(n.opType())) continue; // kernels that read each element before writing its position
            String o = n.outputs().get(0);
            long outBytes = bytes(m, o);
            for (String in : n.inputs()) {
                int[] r = life.get(in);
                if (r == null || r[1] != step || m.inputs().containsKey(in) || bytes(m, in) != outBytes || m.outputs().contains(in)) continue;
                String g = root.getOrDefault(in, in);
                root.put(o, g);
                life.get(g)[1] = life.get(o)[1];
                life.remove(o);
                break;
            }
        }
        record T(String name, long size, int first, int last) {
        }
        List<T> tensors = new ArrayList<>();
        for (Map.Entry<String, int[]> e : life.entrySet()) {
            tensors.add(new T(e.getKey(), align(bytes(m, e.getKey())), e.getValue()[0], e.getValue()[1]));
        }
        tensors.sort(Comparator.comparingLong(T::size).reversed().thenComparingInt(T::first));
        Map<String, Long> offsets = new HashMap<>();
        List<T> placed = new ArrayList<>();
        List<Life> lives = new ArrayList<>();
        long regionEnd = 0;
        for (T t : tensors) {
            List<long[]> busy = new ArrayList<>();
            for (T p : placed) {
                if (p.first <= t.last && t.first <= p.last) busy.add(new long[] {offsets.get(p.name), p.size});
            }
            busy.sort(Comparator.comparingLong(b -> b[0]));
            long off = 0;
            for (long[] b : busy) {
                if (b[0] - off >= t.size) break;
                off = Math.max(off, b[0] + b[1]);
            }
            offsets.put(t.name, off);
            placed.add(t);
            lives.add(new Life(off, t.size, t.first, t.last));
            regionEnd = Math.max(regionEnd, off + t.size);
        }
        for (Map.Entry<String, String> e : root.entrySet()) offsets.put(e.getKey(), offsets.get(e.getValue()));
        return new Placement(offsets, regionEnd, lives);
    }

    private static long bytes(LayeredModel m, String tensor) {
        return 4L * Shapes.size(m.activationShapes().get(tensor));
    }

    static long align(long v) {
        return (v + ALIGN - 1) / ALIGN * ALIGN;
    }
}
