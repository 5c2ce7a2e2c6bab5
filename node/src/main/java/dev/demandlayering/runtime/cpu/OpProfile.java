package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the CPU backend's time goes, per kind of operator: with {@code -Ddlayer.opProfile=true} every kernel is
 * timed and a table (calls, total and mean milliseconds) is printed to stderr when the JVM exits. Off by default:
 * then it costs one null check per node.
 */
final class OpProfile {
    static final OpProfile INSTANCE = Boolean.getBoolean("dlayer.opProfile") ? new OpProfile() : null;
    private final Map<String, LongAdder[]> totals = new ConcurrentHashMap<>();

    private OpProfile() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "op-profile"));
    }

    void add(Node node, TensorView[] in, long nanos) {
        if (node.opType().equals("MaxPool") && totals.get("MaxPool") == null) System.err.println("DEBUG " + node.describe() + " " + node.attributes() + " " + java.util.Arrays.toString(in[0].shape()) + " threads " + Parallel.threads());
        LongAdder[] t = totals.computeIfAbsent(kind(node, in), k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        t[0].increment();
        t[1].add(nanos);
    }

    private static String kind(Node node, TensorView[] in) {
        if (!node.opType().equals("Conv")) return node.opType();
        return ConvKernel.gemmWeights(in[1].shape(), node.attributes().getInt("group", 1)) ? "Conv (GEMM)" : "Conv (depthwise)";
    }

    private void print() {
        System.err.printf("%-20s %8s %12s %10s%n", "operator", "calls", "total ms", "mean us");
        totals.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, LongAdder[]> e) -> e.getValue()[1].sum()).reversed())
                .forEach(e -> System.err.printf("%-20s %8d %12.1f %10.1f%n", e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e6,
                        e.getValue()[1].sum() / 1e3 / e.getValue()[0].sum()));
    }
}
