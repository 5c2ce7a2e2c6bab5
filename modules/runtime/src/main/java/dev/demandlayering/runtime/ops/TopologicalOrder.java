package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kahn's algorithm over tensor names, stable with respect to the file's node order. */
final class TopologicalOrder {
    private TopologicalOrder() {
    }

    static List<Node> sort(List<Node> nodes, Set<String> available, String where) {
        Set<String> ready = new HashSet<>(available);
        Map<String, List<Integer>> consumers = new HashMap<>();
        int[] missing = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Set<String> need = new HashSet<>();
            for (String s : nodes.get(i).inputs()) if (!ready.contains(s)) need.add(s);
            missing[i] = need.size();
            for (String s : need) consumers.computeIfAbsent(s, k -> new ArrayList<>()).add(i);
        }
        // lowest index first, so the file's order is kept where it is already valid
        java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) if (missing[i] == 0) queue.add(i);
        List<Node> order = new ArrayList<>();
        boolean[] done = new boolean[nodes.size()];
        while (!queue.isEmpty()) {
            int best = queue.poll();
            done[best] = true;
            Node n = nodes.get(best);
            order.add(n);
            for (String o : n.outputs()) {
                if (!ready.add(o)) continue;
                for (int c : consumers.getOrDefault(o, List.of())) if (--missing[c] == 0) queue.add(c);
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (!done[i]) {
                    Node n = nodes.get(i);
                    List<String> absent = n.inputs().stream().filter(s -> !ready.contains(s)).toList();
                    throw new ModelImportException(where + ": " + n.describe() + " reads " + absent
                            + ", which no node, input or initializer provides (or the graph has a cycle)");
                }
            }
        }
        return order;
    }
}
