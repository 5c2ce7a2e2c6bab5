package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;

/** Producer and reader look-ups shared by the graph rewrites (linear scans: graphs have hundreds of nodes). */
final class GraphQueries {
    private GraphQueries() {
    }

    static Node producer(Graph g, String tensor) {
        for (Node n : g.nodes()) if (n.outputs().contains(tensor)) return n;
        return null;
    }

    /** How many node inputs read {@code tensor} (a node reading it twice counts twice). */
    static int readerCount(Graph g, String tensor) {
        int c = 0;
        for (Node n : g.nodes()) for (String s : n.inputs()) if (s.equals(tensor)) c++;
        return c;
    }

    /** True when exactly one node input reads {@code tensor} and it is not a graph output. */
    static boolean onlyReadOnce(Graph g, String tensor) {
        return readerCount(g, tensor) == 1 && !g.outputs().contains(tensor);
    }
}
