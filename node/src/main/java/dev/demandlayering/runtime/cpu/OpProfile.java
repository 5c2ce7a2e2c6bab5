package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the CPU backend's time goes, per kind of operator: with {@code -Ddlayer.opProfile=true} every kernel is
 * timed and a table (calls, total milliseconds, mean and median microseconds: the median leaves out the first
 * frames' JIT warm-up) is printed to stderr when the JVM exits. Off by default: then it costs one null check per node.
 */
final class OpProfile {
    private static final String MODE = System.getProperty("dlayer.opProfile", "false");
    /** On with -Ddlayer.opProfile=true (per operator kind) or =shapes (per operator and input shapes). */
    static final OpProfile INSTANCE = MODE.equals("true") || MODE.equals("shapes") ? new OpProfile() : null;
    private static final boolean SHAPES = MODE.equals("shapes");
    private final Map<String, LongAdder[]> totals = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<Long>> samples = new ConcurrentHashMap<>();

    private OpProfile() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "op-profile"));
    }

    void add(Node node, TensorView[] in, long nanos) {
        String kind = kind(node, in);
        LongAdder[] t = totals.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        t[0].increment();
        t[1].add(nanos);
        java.util.List<Long> l = samples.computeIfAbsent(kind, k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
        l.add(nanos);
    }

    private static String kind(Node node, TensorView[] in) {
        String kind = !node.opType().equals("Conv") ? node.opType()
                : ConvKernel.gemmWeights(in[1].shape(), node.attributes().getInt("group", 1)) ? "Conv (GEMM)" : "Conv (depthwise)";
        if (!SHAPES) return kind;
        StringBuilder sb = new StringBuilder(kind);
        for (TensorView t : in) sb.append(' ').append(t == null ? "-" : java.util.Arrays.toString(t.shape()).replace(" ", ""));
        if (node.attributes().has("strides")) sb.append(" s").append(java.util.Arrays.toString(node.attributes().getInts("strides", null)).replace(" ", ""));
        return sb.toString();
    }

    private void print() {
        System.err.printf("%-60s %8s %12s %10s %10s%n", "operator", "calls", "total ms", "mean us", "median us");
        totals.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, LongAdder[]> e) -> e.getValue()[1].sum()).reversed())
                .forEach(e -> System.err.printf("%-60s %8d %12.1f %10.1f %10.1f%n", e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e6,
                        e.getValue()[1].sum() / 1e3 / e.getValue()[0].sum(), median(samples.get(e.getKey())) / 1e3));
    }

    private static double median(java.util.List<Long> l) {
        long[] v;
        synchronized (l) {
            v = l.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
