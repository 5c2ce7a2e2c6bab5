package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

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
    /** Every call's nanoseconds, per kind: calls, total, mean and median all come from these. */
    private final Map<String, List<Long>> samples = new ConcurrentHashMap<>();

    private OpProfile() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "op-profile"));
    }

    void add(Node node, TensorView[] in, long nanos) {
        samples.computeIfAbsent(kind(node, in), k -> Collections.synchronizedList(new ArrayList<>())).add(nanos);
    }

    private static String kind(Node node, TensorView[] in) {
        String kind = !node.opType().equals("Conv") ? node.opType()
                : ConvKernel.gemmWeights(in[1].shape(), node.attributes().getInt("group", 1)) ? "Conv (GEMM)" : "Conv (depthwise)";
        if (!SHAPES) return kind;
        StringBuilder sb = new StringBuilder(kind);
        for (TensorView t : in) sb.append(' ').append(t == null ? "-" : java.util.Arrays.toString(t.shape()).replace(" ", ""));
        for (String attr : new String[] {"strides", "pads", "dilations"}) {
            if (node.attributes().has(attr)) sb.append(' ').append(attr.charAt(0)).append(java.util.Arrays.toString(node.attributes().getInts(attr, null)).replace(" ", ""));
        }
        return sb.toString();
    }

    private void print() {
        System.err.printf("%-60s %8s %12s %10s %10s%n", "operator", "calls", "total ms", "mean us", "median us");
        Map<String, long[]> sorted = new java.util.HashMap<>();
        samples.forEach((kind, l) -> {
            synchronized (l) {
                sorted.put(kind, l.stream().mapToLong(Long::longValue).sorted().toArray());
            }
        });
        sorted.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> LongStream.of(e.getValue()).sum()).reversed())
                .forEach(e -> {
                    long[] v = e.getValue();
                    long total = LongStream.of(v).sum();
                    System.err.printf("%-60s %8d %12.1f %10.1f %10.1f%n", e.getKey(), v.length, total / 1e6, total / 1e3 / v.length, v[v.length / 2] / 1e3);
                });
    }
}
