package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes layout transposes that cancel out. Importers of channels-last formats wrap each convolution in
 * NHWC->NCHW and NCHW->NHWC transposes; this pass pushes every transpose down through layout-agnostic ops
 * (activations, element-wise arithmetic with constants, equally transposed operands or a computed vector, Concat,
 * Pad) until it meets its inverse, and then drops both; a reader that undoes a transpose other readers still need
 * reads the transpose's input instead. Values are unchanged: only where the permutation happens moves.
 */
final class TransposeOptimizer {
    private final Graph g;
    private final ConstantEvaluator evaluator;
    private int fresh;

    TransposeOptimizer(Graph g, ConstantEvaluator evaluator) {
        this.g = g;
        this.evaluator = evaluator;
    }

    void run() {
        for (int round = 0; round < 10_000 && step(); round++) {
            // each step rewrites one spot; repeat to a fixed point
        }
        reshapeSingletonMoves();
    }

    /**
     * A transpose left over that moves only axes of size 1 (say [1, C, 1, 1] to [1, 1, 1, C] before a squeeze)
     * keeps the values in memory order: a Reshape, which costs nothing, does the same.
     */
    private void reshapeSingletonMoves() {
        for (int i = 0; i < g.nodes().size(); i++) {
            Node t = g.nodes().get(i);
            if (!t.opType().equals("Transpose")) continue;
            int[] in = g.shapes().get(t.input(0)), out = g.shapes().get(t.outputs().get(0));
            if (in == null || out == null || !keepsOrder(in, t.attributes().getInts("perm", null))) continue;
            g.nodes().set(i, new Node("Reshape", t.name(), List.of(t.input(0)), t.outputs(), new Attributes().put("shape", out)));
        }
    }

    /** Whether {@code perm} keeps the axes of {@code shape} that are over 1 in their order. */
    private static boolean keepsOrder(int[] shape, int[] perm) {
        if (perm == null || perm.length != shape.length) return false;
        int last = -1;
        for (int axis : perm) {
            if (shape[axis] == 1) continue;
            if (axis < last) return false;
            last = axis;
        }
        return true;
    }

    private boolean step() {
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node n : g.nodes()) for (String in : n.inputs()) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        for (int i = 0; i < g.nodes().size(); i++) {
            Node t = g.nodes().get(i);
            if (!t.opType().equals("Transpose")) continue;
            String out = t.outputs().get(0);
            List<Node> rs = readers.getOrDefault(out, List.of());
            if (g.outputs().contains(out) || rs.isEmpty()) continue;
            if (rs.size() > 1) {
                if (rs.stream().allMatch(r -> sinkable(r, t))) {
                    duplicate(t, rs);
                    return true;
                }
                // readers that undo it read the transpose's input instead, whatever its other readers do
                for (Node r : rs) {
                    if (r.opType().equals("Transpose") && undoes(t, r) && !g.outputs().contains(r.outputs().get(0))) {
                        bypass(r, t.input(0));
                        return true;
                    }
                }
                continue;
            }
            Node r = rs.get(0);
            int[] perm = t.attributes().getInts("perm", null);
            if (r.opType().equals("Transpose") && cancel(t, r, perm)) return true;
            if (Operators.is(r.opType(), Operators.Kind.ACTIVATION) && r.input(0).equals(out)) {
                sinkUnary(t, r, perm);
                return true;
            }
            if (Operators.is(r.opType(), Operators.Kind.ARITHMETIC) && sinkBinary(t, r, perm, readers)) return true;
            if (r.opType().equals("Concat") && sinkConcat(r, perm, readers)) return true;
            if (r.opType().equals("Pad")) {
                sinkPad(t, r, perm);
                return true;
            }
        }
        return false;
    }

    private boolean sinkable(Node r, Node t) {
        return r.opType().equals("Transpose") || Operators.is(r.opType(), Operators.Kind.ACTIVATION) || Operators.is(r.opType(), Operators.Kind.ARITHMETIC)
                || r.opType().equals("Pad")
                || r.opType().equals("Concat") && concatOfTransposes(r, t.attributes().getInts("perm", null));
    }

    /**
     * Whether the inputs of Concat {@code c} are distinct tensors, none a graph output, each made by a transpose with
     * permutation {@code perm}: it sinks once each of those transposes has the Concat as its only reader.
     */
    private boolean concatOfTransposes(Node c, int[] perm) {
        if (c.inputs().stream().distinct().count() != c.inputs().size()) return false;
        for (String in : c.inputs()) {
            Node p = GraphQueries.producer(g, in);
            if (p == null || !p.opType().equals("Transpose") || !Arrays.equals(p.attributes().getInts("perm", null), perm) || g.outputs().contains(in)) return false;
        }
        return true;
    }

    /** Gives each reader its own copy of a shared transpose, so each copy can sink or cancel on its own. */
    private void duplicate(Node t, List<Node> readers) {
        int at = g.nodes().indexOf(t);
        g.nodes().remove(at);
        for (Node r : readers) {
            String o = name(t.outputs().get(0));
            g.shapes().put(o, g.shapes().get(t.outputs().get(0)));
            g.nodes().add(at++, new Node("Transpose", t.name() + "/dup", List.of(t.input(0)), List.of(o), t.attributes()));
            for (int k = 0; k < r.inputs().size(); k++) if (r.inputs().get(k).equals(t.outputs().get(0))) r.inputs().set(k, o);
        }
    }

    /** The shape of computed tensor {@code name} padded to {@code rank} when at most one of its axes is over 1, else null. */
    private int[] vector(String name, int rank) {
        int[] s = g.shapes().get(name);
        if (s == null || s.length > rank || g.constants().containsKey(name)) return null;
        int[] padded = new int[rank];
        Arrays.fill(padded, 1);
        System.arraycopy(s, 0, padded, rank - s.length, s.length);
        return Arrays.stream(padded).filter(d -> d != 1).count() <= 1 ? padded : null;
    }

    /** Whether transpose {@code t2} applied after {@code t1} gives back {@code t1}'s input. */
    private static boolean undoes(Node t1, Node t2) {
        int[] p1 = t1.attributes().getInts("perm", null), p2 = t2.attributes().getInts("perm", null);
        if (p1.length != p2.length) return false;
        for (int i = 0; i < p1.length; i++) if (p1[p2[i]] != i) return false;
        return true;
    }

    /** Drops {@code t}, its readers reading {@code x} (a tensor of the same shape) instead. */
    private void bypass(Node t, String x) {
        String y = t.outputs().get(0);
        g.nodes().remove(t);
        for (Node n : g.nodes()) for (int k = 0; k < n.inputs().size(); k++) if (n.inputs().get(k).equals(y)) n.inputs().set(k, x);
        g.shapes().remove(y);
    }

    private boolean cancel(Node t1, Node t2, int[] p1) {
        int[] p2 = t2.attributes().getInts("perm", null);
        int[] composed = new int[p1.length];
        for (int i = 0; i < composed.length; i++) composed[i] = p1[p2[i]];
        boolean identity = true;
        for (int i = 0; i < composed.length; i++) identity &= composed[i] == i;
        String x = t1.input(0), y = t2.outputs().get(0);
        if (identity && !g.outputs().contains(y)) {
            g.nodes().remove(t1);
            g.nodes().remove(t2);
            for (Node n : g.nodes()) for (int k = 0; k < n.inputs().size(); k++) if (n.inputs().get(k).equals(y)) n.inputs().set(k, x);
            g.shapes().remove(y);
            g.shapes().remove(t1.outputs().get(0));
            return true;
        }
        g.nodes().set(g.nodes().indexOf(t2), identity
                ? new Node("Reshape", t2.name(), List.of(x), List.of(y), new Attributes().put("shape", g.shapes().get(y)))
                : new Node("Transpose", t2.name(), List.of(x), List.of(y), new Attributes().put("perm", composed)));
        g.nodes().remove(t1);
        g.shapes().remove(t1.outputs().get(0));
        return true;
    }

    private void sinkUnary(Node t, Node u, int[] perm) {
        String x = t.input(0), mid = name(u.outputs().get(0));
        g.shapes().put(mid, g.shapes().get(x));
        replace(u, List.of(new Node(u.opType(), u.name(), List.of(x), List.of(mid), u.attributes()),
                new Node("Transpose", t.name() + "/sunk", List.of(mid), List.of(u.outputs().get(0)), t.attributes())));
        g.nodes().remove(t);
        g.shapes().remove(t.outputs().get(0));
    }

    private boolean sinkBinary(Node t, Node b, int[] perm, Map<String, List<Node>> readers) {
        String tOut = t.outputs().get(0);
        int mine = b.input(0).equals(tOut) ? 0 : 1;
        String other = b.input(1 - mine);
        int[] inv = inverse(perm);
        String otherIn;
        Node otherT = null, reshaped = null;
        ConstTensor c = g.constants().get(other);
        if (c != null) {
            if (c.shape().length > perm.length) return false;
            int[] padded = new int[perm.length];
            Arrays.fill(padded, 1);
            System.arraycopy(c.shape(), 0, padded, perm.length - c.shape().length, c.shape().length);
            int[] target = new int[perm.length];
            for (int i = 0; i < perm.length; i++) target[i] = padded[inv[i]];
            Node tr = new Node("Transpose", "fold", List.of("c"), List.of("o"), new Attributes().put("perm", inv));
            ConstTensor moved = evaluator.evaluate(tr, new ConstTensor[] {ConstTensor.ofFloats(padded, c.floats())}, new int[][] {target})[0];
            otherIn = name(other + "/permuted");
            g.constants().put(otherIn, moved);
        } else if (vector(other, perm.length) != null && !other.equals(tOut)) {
            // a computed vector (one axis over 1, say a squeeze-excitation's channel scales): permuted, its values stay
            // in the same order, so a Reshape moves it (no transpose)
            int[] padded = vector(other, perm.length), target = new int[perm.length];
            for (int i = 0; i < perm.length; i++) target[i] = padded[inv[i]];
            otherIn = name(other + "/permuted");
            g.shapes().put(otherIn, target);
            reshaped = new Node("Reshape", b.name() + "/vector", List.of(other), List.of(otherIn), new Attributes().put("shape", target));
        } else {
            otherT = GraphQueries.producer(g, other);
            if (otherT == null || !otherT.opType().equals("Transpose") || !Arrays.equals(otherT.attributes().getInts("perm", null), perm)
                    || readers.getOrDefault(other, List.of()).size() != 1 || g.outputs().contains(other) || other.equals(tOut)) {
                return false;
            }
            otherIn = otherT.input(0);
        }
        String x = t.input(0), mid = name(b.outputs().get(0));
        int[] xs = g.shapes().get(x);
        int[] os = g.shapes().get(otherIn) != null ? g.shapes().get(otherIn) : g.constants().get(otherIn).shape();
        g.shapes().put(mid, dev.demandlayering.runtime.graph.Shapes.broadcast(xs, os));
        List<String> ins = mine == 0 ? List.of(x, otherIn) : List.of(otherIn, x);
        List<Node> with = new ArrayList<>();
        if (reshaped != null) with.add(reshaped);
        with.add(new Node(b.opType(), b.name(), ins, List.of(mid), b.attributes()));
        with.add(new Node("Transpose", t.name() + "/sunk", List.of(mid), List.of(b.outputs().get(0)), t.attributes()));
        replace(b, with);
        g.nodes().remove(t);
        g.shapes().remove(tOut);
        if (otherT != null) {
            g.nodes().remove(otherT);
            g.shapes().remove(other);
        }
        return true;
    }

    private boolean sinkConcat(Node c, int[] perm, Map<String, List<Node>> readers) {
        if (!concatOfTransposes(c, perm)) return false;
        List<Node> ts = new ArrayList<>();
        for (String in : c.inputs()) {
            if (readers.getOrDefault(in, List.of()).size() != 1) return false;
            ts.add(GraphQueries.producer(g, in));
        }
        int axis = c.attributes().getInt("axis", 0);
        String mid = name(c.outputs().get(0));
        int[] os = g.shapes().get(c.outputs().get(0));
        int[] ms = new int[os.length];
        for (int i = 0; i < os.length; i++) ms[perm[i]] = os[i];
        g.shapes().put(mid, ms);
        List<String> ins = ts.stream().map(p -> p.input(0)).toList();
        replace(c, List.of(new Node("Concat", c.name(), ins, List.of(mid), new Attributes().put("axis", perm[axis])),
                new Node("Transpose", c.name() + "/sunk", List.of(mid), List.of(c.outputs().get(0)), new Attributes().put("perm", perm))));
        for (Node p : ts) {
            g.nodes().remove(p);
            g.shapes().remove(p.outputs().get(0));
        }
        return true;
    }

    private void sinkPad(Node t, Node pad, int[] perm) {
        long[] pads = pad.attributes().getLongs("pads", null);
        int r = perm.length;
        long[] moved = new long[2 * r];
        for (int i = 0; i < r; i++) {
            moved[perm[i]] = pads[i];
            moved[perm[i] + r] = pads[i + r];
        }
        String x = t.input(0), mid = name(pad.outputs().get(0));
        int[] xs = g.shapes().get(x).clone();
        for (int i = 0; i < r; i++) xs[i] += (int) (moved[i] + moved[i + r]);
        g.shapes().put(mid, xs);
        Attributes a = pad.attributes().copy().put("pads", moved);
        replace(pad, List.of(new Node("Pad", pad.name(), List.of(x), List.of(mid), a),
                new Node("Transpose", t.name() + "/sunk", List.of(mid), List.of(pad.outputs().get(0)), t.attributes())));
        g.nodes().remove(t);
        g.shapes().remove(t.outputs().get(0));
    }

    private void replace(Node old, List<Node> with) {
        int at = g.nodes().indexOf(old);
        g.nodes().remove(at);
        g.nodes().addAll(at, with);
    }


    private String name(String base) {
        return base + "/t" + (fresh++);
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }
}
