package dev.demandlayering.runtime.plan;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
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
 * lives overlap never share bytes. Greedy by size, largest first, each at the lowest offset that fits
 * between the tensors it overlaps (the classic offset-assignment heuristic).
 */
public final class ActivationPlanner {
    public static final int ALIGN = 64;

    private ActivationPlanner() {
    }

    /** Offsets relative to the region start, and the region's size in bytes. */
    public record Placement(Map<String, Long> offsets, long bytes) {
    }

    public static Placement place(LayeredModel m) {
        Map<String, int[]> life = new LinkedHashMap<>(); // {first, last}
        int step = 0;
        for (String in : m.inputs().keySet()) life.put(in, new int[] {0, 0});
        for (Layer l : m.layers()) {
            for (Node n : l.nodes()) {
                for (String in : n.inputs()) {
                    int[] r = life.get(in);
                    if (r != null) r[1] = Math.max(r[1], step);
                }
                for (String o : n.outputs()) life.put(o, new int[] {step, step});
                step++;
            }
        }
        for (String o : m.outputs()) life.get(o)[1] = step;
        record T(String name, long size, int first, int last) {
        }
        List<T> tensors = new ArrayList<>();
        for (Map.Entry<String, int[]> e : life.entrySet()) {
            long bytes = align(4L * Shapes.size(m.activationShapes().get(e.getKey())));
            tensors.add(new T(e.getKey(), bytes, e.getValue()[0], e.getValue()[1]));
        }
        tensors.sort(Comparator.comparingLong(T::size).reversed().thenComparingInt(T::first));
        Map<String, Long> offsets = new HashMap<>();
        List<T> placed = new ArrayList<>();
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
            regionEnd = Math.max(regionEnd, off + t.size);
        }
        return new Placement(offsets, regionEnd);
    }

    static long align(long v) {
        return (v + ALIGN - 1) / ALIGN * ALIGN;
    }
}
