package dev.demandlayering.runtime.tfjs;

import dev.demandlayering.runtime.ops.Operators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Imports a TensorFlow.js graph model (model.json + weight shards) into the runtime graph with ONNX
 * (opset 13) semantics. Layout-sensitive TF ops in NHWC (convolutions, pooling, resizing) are wrapped in
 * transposes to the runtime's NCHW, with their filters converted once at import; layout-agnostic ops keep
 * TF's layout. {@code TransposeOptimizer} later removes the transposes that cancel.
 */
public final class TfjsModelReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SUPPORTED = List.of("Placeholder", "Const", "Identity", "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative",
            "FusedDepthwiseConv2dNative", "Conv2DBackpropInput", "MaxPool", "AvgPool", "ResizeBilinear", "ResizeNearestNeighbor",
            "Add", "AddV2", "BiasAdd", "Sub", "Mul", "RealDiv", "Div", "AddN", "Relu", "Relu6", "LeakyRelu", "Sigmoid", "Tanh",
            "Pad", "PadV2", "MirrorPad", "ConcatV2", "SplitV", "Split", "Reshape", "Transpose", "Squeeze", "ExpandDims",
            "Softmax", "MatMul", "SparseToDense", "Cast", "Shape", "GatherV2");

    private final Graph g;
    private final String where;
    private int counter;

    private TfjsModelReader(Graph g, String where) {
        this.g = g;
        this.where = where;
    }

    public static Graph read(Path modelJson) throws IOException {
        if (!Files.exists(modelJson)) throw new NoSuchFileException(modelJson.toString(), null, "model file not found");
        JsonNode root = JSON.readTree(modelJson.toFile());
        String where = modelJson.toString();
        if (!root.has("modelTopology") || !root.path("modelTopology").has("node")) {
            throw new ModelImportException(where + ": not a TF.js graph model (no modelTopology.node; layers models are not supported)");
        }
        String name = modelJson.getFileName().toString().replaceFirst("\\.json$", "");
        Graph g = new Graph(name);
        g.setOpset(13);
        Map<String, ConstTensor> weights = TfjsWeights.read(root.path("weightsManifest"), modelJson.getParent() == null ? Path.of(".")
                : modelJson.getParent(), where);
        g.constants().putAll(weights);
        TfjsModelReader r = new TfjsModelReader(g, where);
        for (JsonNode n : root.get("modelTopology").get("node")) r.translate(n);
        TreeSet<String> outs = new TreeSet<>();
        root.path("signature").path("outputs").fieldNames().forEachRemaining(k -> outs.add(tensor(k)));
        if (outs.isEmpty()) throw new ModelImportException(where + ": the model's signature names no outputs");
        g.outputs().addAll(outs);
        return g;
    }

    /** "name:0" and "name" are output 0 of node name; "name:k" is its k-th output, named "name:k" here. */
    static String tensor(String ref) {
        if (ref.endsWith(":0")) return ref.substring(0, ref.length() - 2);
        return ref;
    }

    private void translate(JsonNode n) {
        String op = n.get("op").asText();
        String name = n.get("name").asText();
        List<String> in = new ArrayList<>();
        for (JsonNode i : n.path("input")) if (!i.asText().startsWith("^")) in.add(tensor(i.asText()));
        JsonNode attr = n.path("attr");
        String label = op + " node '" + name + "'";
        switch (op) {
            case "Placeholder" -> {
                List<Integer> dims = new ArrayList<>();
                for (JsonNode d : attr.path("shape").path("shape").path("dim")) dims.add(Math.max(1, d.path("size").asInt(1)));
                if (dims.isEmpty()) throw new ModelImportException(where + ": input '" + name + "' has no static shape");
                g.inputs().put(name, dims.stream().mapToInt(Integer::intValue).toArray());
            }
            case "Const" -> {
                if (!g.constants().containsKey(name)) {
                    throw new ModelImportException(where + ": constant '" + name + "' is not in the weights manifest");
                }
            }
            case "Identity" -> add("Identity", name, in.subList(0, 1), name, new Attributes());
            case "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative" -> conv(op, name, in, attr, label);
            case "Conv2DBackpropInput" -> deconv(name, in, attr, label);
            case "MaxPool", "AvgPool" -> pool(op, name, in, attr, label);
            case "ResizeBilinear", "ResizeNearestNeighbor" -> resize(op, name, in, attr);
            case "Add", "AddV2", "BiasAdd" -> {
                if (op.equals("BiasAdd") && "NCHW".equals(str(attr, "data_format"))) {
                    String b = reshapedConstant(in.get(1), name + "/bias_nchw", 3);
                    add("Add", name, List.of(in.get(0), b), name, new Attributes());
                } else {
                    add("Add", name, in, name, new Attributes());
                }
            }
            case "AddN" -> add("Sum", name, in, name, new Attributes());
            case "Relu6" -> add("Clip", name, List.of(in.get(0), scalar(0f), scalar(6f)), name, new Attributes());
            case "LeakyRelu" -> add("LeakyRelu", name, in, name, new Attributes().put("alpha", (float) attr.path("alpha").path("f").asDouble(0.2)));
            case "Softmax" -> add("Softmax", name, in, name, new Attributes().put("axis", -1));
            case "Pad", "PadV2", "MirrorPad" -> pad(op, name, in, attr);
            case "ConcatV2" -> {
                String axis = in.get(in.size() - 1);
                add("Concat", name, in.subList(0, in.size() - 1), name, new Attributes().put("axis", constant(axis, label).longs()[0]));
            }
            case "SplitV" -> split(name, in.get(0), in.get(1), in.get(2), attr, label);
            case "Split" -> split(name, in.get(1), null, in.get(0), attr, label);
            case "Reshape" -> add("Reshape", name, in, name, new Attributes().put("allowzero", 1));
            case "Transpose" -> add("Transpose", name, List.of(in.get(0)), name, new Attributes().put("perm", constant(in.get(1), label).longs()));
            case "Squeeze" -> add("Squeeze", name, List.of(in.get(0), longs(toLongs(ints(attr, "squeeze_dims")))), name, new Attributes());
            case "ExpandDims" -> add("Unsqueeze", name, in, name, new Attributes());
            case "MatMul" -> add("Gemm", name, in, name, new Attributes().put("transA", attr.path("transpose_a").path("b").asBoolean() ? 1 : 0)
                    .put("transB", attr.path("transpose_b").path("b").asBoolean() ? 1 : 0));
            case "SparseToDense" -> add("SparseToDense", name, in, name, new Attributes());
            case "Cast" -> add("Cast", name, in, name, new Attributes().put("to", isFloat(attr, "DstT") ? 1 : 7));
            case "Shape" -> add("Shape", name, in, name, new Attributes());
            case "GatherV2" -> add("Gather", name, in.subList(0, 2), name, new Attributes().put("axis", constant(in.get(2), label).longs()[0]));
            default -> {
                // the ops that import as an operator of the same inputs and attributes (the operator table's TF.js names)
                String same = Operators.fromTfjs(op);
                if (same == null) throw new ModelImportException(where + ": unsupported TF.js operator " + op + " (node '" + name
                        + "'); supported: " + String.join(", ", SUPPORTED));
                add(same, name, in, name, new Attributes());
            }
        }
    }

    private void conv(String op, String name, List<String> in, JsonNode attr, String label) {
        boolean depthwise = op.contains("Depthwise");
        requireNhwc(attr, label);
        ConstTensor f = constant(in.get(1), label);
        int[] fs = f.shape(); // HWIO, or H W C M for depthwise
        int kh = fs[0], kw = fs[1], ci = fs[2], co = depthwise ? fs[2] * fs[3] : fs[3];
        float[] src = f.floats();
        float[] w = new float[src.length];
        if (depthwise) {
            int mult = fs[3];
            for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) for (int c = 0; c < ci; c++) for (int m = 0; m < mult; m++) {
                w[((c * mult + m) * kh + y) * kw + x] = src[((y * kw + x) * ci + c) * mult + m];
            }
        } else {
            for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) for (int i = 0; i < ci; i++) for (int o = 0; o < co; o++) {
                w[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
            }
        }
        String wName = fresh(in.get(1) + "/oihw");
        g.constants().put(wName, ConstTensor.ofFloats(new int[] {co, depthwise ? 1 : ci, kh, kw}, w));
        Attributes a = spatialAttrs(attr, "strides", label).put("dilations", hw(ints(attr, "dilations"), 1)).put("group", depthwise ? ci : 1)
                .put("kernel_shape", new int[] {kh, kw});
        List<String> convIn = new ArrayList<>(List.of(toNchw(in.get(0)), wName));
        List<String> fused = new ArrayList<>();
        for (JsonNode s : attr.path("fused_ops").path("list").path("s")) fused.add(decode(s.asText()));
        if (op.startsWith("_Fused") || op.startsWith("Fused")) {
            if (!fused.isEmpty() && fused.get(0).equals("BiasAdd")) convIn.add(in.get(2));
            else if (!fused.isEmpty()) throw new ModelImportException(where + ": " + label + ": fused op " + fused + " is not supported");
        }
        String convOut = fresh(name + "/nchw");
        add("Conv", name + "/conv", convIn, convOut, a);
        String act = convOut;
        for (int i = 1; i < fused.size(); i++) {
            String o = fresh(name + "/" + fused.get(i));
            switch (fused.get(i)) {
                case "Relu" -> add("Relu", o, List.of(act), o, new Attributes());
                case "Relu6" -> add("Clip", o, List.of(act, scalar(0f), scalar(6f)), o, new Attributes());
                case "LeakyRelu" -> add("LeakyRelu", o, List.of(act), o, new Attributes().put("alpha", (float) attr.path("leakyrelu_alpha").path("f").asDouble(0.2)));
                case "Sigmoid" -> add("Sigmoid", o, List.of(act), o, new Attributes());
                default -> throw new ModelImportException(where + ": " + label + ": fused activation " + fused.get(i) + " is not supported");
            }
            act = o;
        }
        fromNchw(act, name);
    }

    private void deconv(String name, List<String> in, JsonNode attr, String label) {
        requireNhwc(attr, label);
        long[] outShape = constant(in.get(0), label).longs(); // NHWC
        ConstTensor f = constant(in.get(1), label); // H W out in
        int[] fs = f.shape();
        int kh = fs[0], kw = fs[1], co = fs[2], ci = fs[3];
        float[] src = f.floats();
        float[] w = new float[src.length];
        for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) for (int o = 0; o < co; o++) for (int i = 0; i < ci; i++) {
            w[((i * co + o) * kh + y) * kw + x] = src[((y * kw + x) * co + o) * ci + i];
        }
        String wName = fresh(in.get(1) + "/iohw");
        g.constants().put(wName, ConstTensor.ofFloats(new int[] {ci, co, kh, kw}, w));
        int[] strides = hw(ints(attr, "strides"), 1);
        Attributes a = new Attributes().put("strides", strides).put("dilations", hw(ints(attr, "dilations"), 1))
                .put("output_shape", new long[] {outShape[1], outShape[2]}).put("kernel_shape", new int[] {kh, kw});
        // TF SAME puts the odd pixel of padding at the end, like ONNX SAME_UPPER
        a.put("auto_pad", padding(attr).equals("SAME") ? "SAME_UPPER" : "VALID");
        String o = fresh(name + "/nchw");
        add("ConvTranspose", name + "/deconv", List.of(toNchw(in.get(2)), wName), o, a);
        fromNchw(o, name);
    }

    private void pool(String op, String name, List<String> in, JsonNode attr, String label) {
        requireNhwc(attr, label);
        Attributes a = spatialAttrs(attr, "strides", label).put("kernel_shape", hw(ints(attr, "ksize"), 1));
        String o = fresh(name + "/nchw");
        add(op.equals("MaxPool") ? "MaxPool" : "AveragePool", name + "/pool", List.of(toNchw(in.get(0))), o, a);
        fromNchw(o, name);
    }

    private void resize(String op, String name, List<String> in, JsonNode attr) {
        boolean align = attr.path("align_corners").path("b").asBoolean(false);
        boolean half = attr.path("half_pixel_centers").path("b").asBoolean(false);
        boolean linear = op.equals("ResizeBilinear");
        String coord = align ? "align_corners" : half ? (linear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric";
        String nearest = align ? "round_prefer_ceil" : "floor";
        String x = toNchw(in.get(0));
        String sizes = fresh(name + "/sizes");
        g.constants().put(sizes, ConstTensor.ofLongs(new int[] {2}, constant(in.get(1), name).longs()));
        String o = fresh(name + "/nchw");
        add("Resize", name + "/resize", List.of(x, "", "", sizes), o, new Attributes().put("mode", linear ? "linear" : "nearest")
                .put("coordinate_transformation_mode", coord).put("nearest_mode", nearest));
        fromNchw(o, name);
    }

    private void pad(String op, String name, List<String> in, JsonNode attr) {
        long[] p = constant(in.get(1), name).longs(); // [rank][2]
        int rank = p.length / 2;
        long[] pads = new long[2 * rank];
        for (int i = 0; i < rank; i++) {
            pads[i] = p[2 * i];
            pads[i + rank] = p[2 * i + 1];
        }
        String mode = op.equals("MirrorPad") ? (str(attr, "mode").equals("REFLECT") ? "reflect" : "symmetric") : "constant";
        if (mode.equals("symmetric")) throw new ModelImportException(where + ": MirrorPad node '" + name + "': SYMMETRIC mode is not supported");
        List<String> ins = new ArrayList<>(List.of(in.get(0), longs(pads)));
        if (op.equals("PadV2")) ins.add(in.get(2));
        add("Pad", name, ins, name, new Attributes().put("mode", mode));
    }

    private void split(String name, String x, String sizes, String axis, JsonNode attr, String label) {
        int num = attr.path("num_split").path("i").asInt(1);
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < num; i++) outs.add(i == 0 ? name : name + ":" + i);
        List<String> ins = new ArrayList<>(List.of(x));
        if (sizes != null) ins.add(sizes);
        g.nodes().add(new Node("Split", name, ins, outs, new Attributes().put("axis", constant(axis, label).longs()[0])));
    }

    private Attributes spatialAttrs(JsonNode attr, String stridesKey, String label) {
        String pad = padding(attr);
        Attributes a = new Attributes().put("strides", hw(ints(attr, stridesKey), 1));
        switch (pad) {
            case "SAME" -> a.put("auto_pad", "SAME_UPPER");
            case "VALID" -> a.put("auto_pad", "VALID");
            case "EXPLICIT" -> {
                int[] e = ints(attr, "explicit_paddings"); // NHWC pairs
                a.put("pads", new int[] {e[2], e[4], e[3], e[5]});
            }
            default -> throw new ModelImportException(where + ": " + label + ": padding '" + pad + "' is not supported");
        }
        return a;
    }

    private String padding(JsonNode attr) {
        return str(attr, "padding");
    }

    private void requireNhwc(JsonNode attr, String label) {
        String f = str(attr, "data_format");
        if (!f.isEmpty() && !f.equals("NHWC")) throw new ModelImportException(where + ": " + label + ": data_format " + f + " is not supported (NHWC only)");
    }

    private String toNchw(String x) {
        String o = fresh(x + "/to_nchw");
        add("Transpose", o, List.of(x), o, new Attributes().put("perm", new int[] {0, 3, 1, 2}));
        return o;
    }

    private void fromNchw(String x, String out) {
        add("Transpose", out + "/to_nhwc", List.of(x), out, new Attributes().put("perm", new int[] {0, 2, 3, 1}));
    }

    private String reshapedConstant(String name, String newName, int rank) {
        ConstTensor c = constant(name, newName);
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        s[0] = c.size();
        g.constants().put(newName, c.reshaped(s));
        return newName;
    }

    private ConstTensor constant(String name, String label) {
        ConstTensor c = g.constants().get(name);
        if (c == null) throw new ModelImportException(where + ": " + label + ": input '" + name + "' must be a constant");
        return c;
    }

    private String scalar(float v) {
        String n = fresh("const_" + v);
        g.constants().put(n, ConstTensor.ofFloats(new int[0], new float[] {v}));
        return n;
    }

    private String longs(long[] v) {
        String n = fresh("const_ints");
        g.constants().put(n, ConstTensor.ofLongs(new int[] {v.length}, v));
        return n;
    }

    private static long[] toLongs(int[] v) {
        return java.util.Arrays.stream(v).asLongStream().toArray();
    }

    private String fresh(String base) {
        return base + "#" + (counter++);
    }

    private void add(String op, String name, List<String> in, String out, Attributes a) {
        g.nodes().add(new Node(op, name, in, List.of(out), a));
    }

    private static int[] hw(int[] nhwc, int dflt) {
        if (nhwc == null || nhwc.length == 0) return new int[] {dflt, dflt};
        return new int[] {nhwc[1], nhwc[2]};
    }

    private static int[] ints(JsonNode attr, String key) {
        JsonNode l = attr.path(key).path("list").path("i");
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = l.get(i).asInt();
        return r;
    }

    private static String str(JsonNode attr, String key) {
        String s = attr.path(key).path("s").asText("");
        return s.isEmpty() ? "" : decode(s);
    }

    private static boolean isFloat(JsonNode attr, String key) {
        String t = attr.path(key).path("type").asText("DT_FLOAT");
        return t.equals("DT_FLOAT") || t.equals("DT_HALF") || t.equals("DT_DOUBLE");
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
