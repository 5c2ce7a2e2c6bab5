package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.DataType;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an imported graph into the runtime's normalised form: nodes in topological order, static shapes for
 * every tensor, shape arithmetic and constant sub-graphs folded, operator variants rewritten into the
 * executable set ({@link OpSupport#EXECUTABLE}) with their non-tensor inputs as attributes, Identity/Dropout
 * removed and BatchNormalization folded into the preceding Conv.
 */
public final class GraphNormalizer {
    private final Graph in;
    private final String where;
    private final ConstantEvaluator evaluator;
    private final Map<String, String> alias = new HashMap<>();
    private final Graph out;

    private GraphNormalizer(Graph in, String where, ConstantEvaluator evaluator) {
        this.in = in;
        this.where = where;
        this.evaluator = evaluator;
        this.out = new Graph(in.name());
        out.setOpset(13);
    }

    public static Graph normalize(Graph g, String where, ConstantEvaluator evaluator) {
        return new GraphNormalizer(g, where, evaluator).run();
    }

    private Graph run() {
        for (Node n : in.nodes()) {
            if (!OpSupport.IMPORTABLE.contains(n.opType())) {
                throw new ModelImportException(where + ": unsupported operator " + n.opType() + " (node '" + n.name()
                        + "'); supported operators: " + OpSupport.supportedList());
            }
        }
        out.inputs().putAll(in.inputs());
        in.inputs().forEach((k, v) -> out.shapes().put(k, v));
        out.constants().putAll(in.constants());
        for (Node n : TopologicalOrder.sort(in.nodes(), known(), where)) {
            try {
                process(n);
            } catch (ModelImportException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelImportException(where + ": " + n.describe() + ": " + e.getMessage(), e);
            }
        }
        for (String o : in.outputs()) {
            String src = resolve(o);
            if (out.constants().containsKey(src) || out.inputs().containsKey(src)) {
                // a constant or pass-through output still needs a node that writes it
                int[] shape = shapeOf(src);
                out.nodes().add(new Node("Reshape", "output_" + o, List.of(src), List.of(o),
                        new Attributes().put("shape", Arrays.stream(shape).asLongStream().toArray())));
                out.shapes().put(o, shape);
            } else if (!src.equals(o)) {
                renameProducer(src, o);
            }
            out.outputs().add(o);
        }
        new BatchNormFolder(out).run();
        new TransposeOptimizer(out, evaluator).run();
        new PadFolder(out).run();
        new ConvBiasFolder(out).run();
        dropUnusedConstants();
        for (Map.Entry<String, ConstTensor> c : out.constants().entrySet()) {
            if (c.getValue().type() != DataType.FLOAT) {
                ConstTensor v = c.getValue();
                c.setValue(ConstTensor.ofFloats(v.shape(), v.floats()));
            }
        }
        return out;
    }

    private Set<String> known() {
        Set<String> s = new HashSet<>(in.inputs().keySet());
        s.addAll(in.constants().keySet());
        s.add("");
        return s;
    }

    private String resolve(String name) {
        String r = name;
        while (alias.containsKey(r)) r = alias.get(r);
        return r;
    }

    private void renameProducer(String from, String to) {
        for (int i = 0; i < out.nodes().size(); i++) {
            Node n = out.nodes().get(i);
            int idx = n.outputs().indexOf(from);
            if (idx >= 0) n.outputs().set(idx, to);
            for (int j = 0; j < n.inputs().size(); j++) if (n.inputs().get(j).equals(from)) n.inputs().set(j, to);
        }
        out.shapes().put(to, out.shapes().remove(from));
    }

    private int[] shapeOf(String t) {
        int[] s = out.shape(t);
        if (s == null) throw new ModelImportException(where + ": tensor '" + t + "' has no known shape");
        return s;
    }

    private ConstTensor constant(String t) {
        return t.isEmpty() ? null : out.constants().get(t);
    }

    private ConstTensor requireConstant(Node n, int i, String what) {
        ConstTensor c = constant(n.input(i));
        if (c == null) {
            throw new ModelImportException(where + ": " + n.describe() + ": input " + i + " (" + what + ", '" + n.input(i)
                    + "') must be a constant or computable at import; dynamic shapes are not supported");
        }
        return c;
    }

    private void process(Node raw) {
        List<String> ins = new ArrayList<>();
        for (String s : raw.inputs()) ins.add(s.isEmpty() ? "" : resolve(s));
        Node n = new Node(raw.opType(), raw.name(), ins, raw.outputs(), raw.attributes().copy());
        switch (n.opType()) {
            case "Identity", "Dropout" -> {
                alias.put(n.outputs().get(0), n.input(0));
                return;
            }
            case "Sum" -> {
                if (ins.size() == 1) {
                    alias.put(n.outputs().get(0), ins.get(0));
                    return;
                }
                String acc = ins.get(0);
                for (int i = 1; i < ins.size(); i++) {
                    String o = i == ins.size() - 1 ? n.outputs().get(0) : n.name() + "_partial" + i;
                    process(new Node("Add", i == 1 ? n.name() : n.name() + "_" + i, List.of(acc, ins.get(i)), List.of(o), new Attributes()));
                    acc = o;
                }
                return;
            }
            case "Constant" -> {
                out.constants().put(n.outputs().get(0), constantAttribute(n));
                return;
            }
            case "Shape" -> {
                int[] s = shapeOf(n.input(0));
                int rank = s.length;
                int start = clampAxis(n.attributes().getInt("start", 0), rank);
                int end = clampAxis(n.attributes().getInt("end", rank), rank);
                long[] v = new long[Math.max(0, end - start)];
                for (int i = 0; i < v.length; i++) v[i] = s[start + i];
                out.constants().put(n.outputs().get(0), ConstTensor.ofLongs(new int[] {v.length}, v));
                return;
            }
            case "Cast" -> {
                ConstTensor c = constant(n.input(0));
                int to = n.attributes().getInt("to", 1);
                boolean toFloat = to == 1 || to == 10 || to == 11;
                if (c != null) {
                    out.constants().put(n.outputs().get(0), toFloat ? ConstTensor.ofFloats(c.shape(), c.floats())
                            : ConstTensor.ofLongs(c.shape(), c.longs()));
                } else if (toFloat) {
                    alias.put(n.outputs().get(0), n.input(0));
                } else {
                    throw new ModelImportException(where + ": " + n.describe() + ": casting a computed tensor to integer type "
                            + to + " is not supported (activations are float32)");
                }
                return;
            }
            default -> {
            }
        }
        Node canon = Canonicalizer.canonicalize(n, this::shapeOf, this::constant, this::requireConstant, in.opset());
        int[][] outShapes = ShapeInference.infer(canon, this::shapeOf);
        boolean allConst = true;
        for (String s : canon.inputs()) if (!s.isEmpty() && constant(s) == null) allConst = false;
        if (allConst) {
            fold(canon, outShapes);
            return;
        }
        if (!OpSupport.EXECUTABLE.contains(canon.opType())) {
            throw new ModelImportException(where + ": " + n.describe() + " only works on constant inputs at import"
                    + " (shape arithmetic); its input is computed at run time");
        }
        for (String s : canon.inputs()) {
            ConstTensor c = constant(s);
            if (c != null && c.type() != DataType.FLOAT) out.constants().put(s, ConstTensor.ofFloats(c.shape(), c.floats()));
        }
        for (int i = 0; i < canon.outputs().size(); i++) out.shapes().put(canon.outputs().get(i), outShapes[i]);
        out.nodes().add(canon);
    }

    private void fold(Node canon, int[][] outShapes) {
        ConstTensor[] args = new ConstTensor[canon.inputs().size()];
        boolean anyInt = false;
        for (int i = 0; i < args.length; i++) {
            args[i] = constant(canon.input(i));
            if (args[i] != null && args[i].type() == DataType.INT64) anyInt = true;
        }
        ConstTensor[] results;
        if (anyInt && OpSupport.INTEGER_FOLDABLE.contains(canon.opType())) {
            results = IntegerFolder.evaluate(canon, args, outShapes);
        } else if (OpSupport.EXECUTABLE.contains(canon.opType())) {
            ConstTensor[] floats = new ConstTensor[args.length];
            for (int i = 0; i < args.length; i++) floats[i] = args[i] == null ? null : ConstTensor.ofFloats(args[i].shape(), args[i].floats());
            results = evaluator.evaluate(canon, floats, outShapes);
        } else {
            results = IntegerFolder.evaluate(canon, args, outShapes);
        }
        for (int i = 0; i < results.length; i++) out.constants().put(canon.outputs().get(i), results[i]);
    }

    private ConstTensor constantAttribute(Node n) {
        Attributes a = n.attributes();
        if (a.getTensor("value") != null) return a.getTensor("value");
        if (a.has("value_float")) return ConstTensor.ofFloats(new int[0], new float[] {a.getFloat("value_float", 0)});
        if (a.has("value_floats")) {
            float[] f = a.getFloats("value_floats", new float[0]);
            return ConstTensor.ofFloats(new int[] {f.length}, f);
        }
        if (a.has("value_int")) return ConstTensor.ofLongs(new int[0], new long[] {a.getLong("value_int", 0)});
        if (a.has("value_ints")) {
            long[] l = a.getLongs("value_ints", new long[0]);
            return ConstTensor.ofLongs(new int[] {l.length}, l);
        }
        throw new ModelImportException(where + ": " + n.describe() + " has no supported value attribute");
    }

    private static int clampAxis(int a, int rank) {
        if (a < 0) a += rank;
        return Math.max(0, Math.min(rank, a));
    }

    private void dropUnusedConstants() {
        Set<String> used = new HashSet<>();
        for (Node n : out.nodes()) used.addAll(n.inputs());
        out.constants().keySet().retainAll(used);
        out.shapes().keySet().removeIf(k -> out.constants().containsKey(k));
    }

    /** Shape lookup for canonicalisation. */
    interface ShapeLookup {
        int[] shape(String tensor);
    }

    interface ConstLookup {
        ConstTensor get(String tensor);
    }

    interface RequiredConst {
        ConstTensor get(Node n, int input, String what);
    }
}
