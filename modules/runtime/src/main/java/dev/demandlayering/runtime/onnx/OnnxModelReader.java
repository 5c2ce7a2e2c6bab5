package dev.demandlayering.runtime.onnx;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an ONNX ModelProto into a {@link Graph}, following the field numbers of the public onnx.proto schema
 * (ModelProto: opset_import=8, graph=7; GraphProto: node=1, initializer=5, input=11, output=12;
 * NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7).
 */
public final class OnnxModelReader {
    private OnnxModelReader() {
    }

    public static Graph read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        try {
            return read(bytes, file.getFileName().toString().replaceFirst("\\.onnx$", ""), file.toString());
        } catch (IllegalStateException e) {
            throw new ModelImportException(file + ": not a valid ONNX model (protobuf decode failed: " + e.getMessage() + ")", e);
        }
    }

    static Graph read(byte[] bytes, String modelName, String where) {
        ProtoReader model = new ProtoReader(bytes);
        ProtoReader graphMsg = null;
        int opset = -1;
        while (model.next()) {
            switch (model.field()) {
                case 7 -> graphMsg = model.readMessage();
                case 8 -> {
                    ProtoReader os = model.readMessage();
                    String domain = "";
                    long version = 0;
                    while (os.next()) {
                        if (os.field() == 1) domain = os.readString();
                        else if (os.field() == 2) version = os.readVarint();
                        else os.skip();
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) opset = (int) version;
                }
                default -> model.skip();
            }
        }
        if (graphMsg == null) throw new ModelImportException(where + ": no graph in the ONNX model (is this an ONNX file?)");
        Graph g = new Graph(modelName);
        g.setOpset(opset > 0 ? opset : 13);
        readGraph(graphMsg, g, where);
        return g;
    }

    private static void readGraph(ProtoReader r, Graph g, String where) {
        List<ValueInfo> declaredInputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> g.nodes().add(readNode(r.readMessage(), where, g.nodes().size()));
                case 5 -> {
                    TensorProtos.Named t = TensorProtos.decode(r.readMessage(), where);
                    g.constants().put(t.name(), t.tensor());
                }
                case 11 -> declaredInputs.add(readValueInfo(r.readMessage()));
                case 12 -> g.outputs().add(readValueInfo(r.readMessage()).name);
                default -> r.skip();
            }
        }
        for (ValueInfo vi : declaredInputs) {
            if (g.constants().containsKey(vi.name)) continue; // older exporters list initializers as inputs
            if (vi.shape == null) throw new ModelImportException(where + ": graph input '" + vi.name + "' has no shape");
            int[] shape = vi.shape.clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0) {
                    throw new ModelImportException(where + ": graph input '" + vi.name + "' has a zero-sized dimension " + i + " (shape "
                            + java.util.Arrays.toString(vi.shape).replace("-1", "?") + "): a tensor with no elements has nothing to run");
                }
                if (shape[i] < 0) {
                    if (i == 0) shape[i] = 1; // symbolic batch dimension: we run batch 1
                    else throw new ModelImportException(where + ": graph input '" + vi.name + "' has a symbolic dimension " + i
                            + "; export the model with a fixed input size");
                }
            }
            g.inputs().put(vi.name, shape);
        }
    }

    private static Node readNode(ProtoReader r, String where, int index) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Attributes attrs = new Attributes();
        List<ProtoReader> attrMsgs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.readString());
                case 2 -> outputs.add(r.readString());
                case 3 -> name = r.readString();
                case 4 -> op = r.readString();
                case 5 -> attrMsgs.add(r.readMessage());
                case 7 -> domain = r.readString();
                default -> r.skip();
            }
        }
        if (name.isEmpty()) name = op + "_" + index;
        for (ProtoReader a : attrMsgs) readAttribute(a, attrs, where + " node '" + name + "'");
        String type = domain.isEmpty() || domain.equals("ai.onnx") ? op : domain + "." + op;
        return new Node(type, name, inputs, outputs, attrs);
    }

    private static void readAttribute(ProtoReader r, Attributes attrs, String where) {
        String name = null;
        Object single = null;
        ProtoReader.LongList ints = new ProtoReader.LongList();
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        List<String> strings = new ArrayList<>();
        int type = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.readString();
                case 2 -> single = r.readFixed32Float();
                case 3 -> single = r.readVarint();
                case 4 -> single = new String(r.readBytes(), java.nio.charset.StandardCharsets.UTF_8);
                case 5 -> single = TensorProtos.decode(r.readMessage(), where).tensor();
                case 7 -> r.readFloats(floats);
                case 8 -> r.readVarints(ints);
                case 9 -> strings.add(new String(r.readBytes(), java.nio.charset.StandardCharsets.UTF_8));
                case 20 -> type = (int) r.readVarint();
                default -> r.skip();
            }
        }
        if (name == null) throw new ModelImportException(where + ": attribute without a name");
        // AttributeProto.AttributeType: FLOATS=6, INTS=7, STRINGS=8
        Object value = switch (type) {
            case 6 -> floats.toArray();
            case 7 -> ints.toArray();
            case 8 -> String.join(",", strings);
            default -> single != null ? single
                    : floats.n > 0 ? floats.toArray() : ints.n > 0 ? ints.toArray() : !strings.isEmpty() ? String.join(",", strings) : null;
        };
        if (value != null) attrs.put(name, value);
        else if (type == 7) attrs.put(name, new long[0]);
        else if (type == 6) attrs.put(name, new float[0]);
    }

    private record ValueInfo(String name, int[] shape) {
    }

    private static ValueInfo readValueInfo(ProtoReader r) {
        String name = "";
        int[] shape = null;
        while (r.next()) {
            if (r.field() == 1) name = r.readString();
            else if (r.field() == 2) shape = readTypeShape(r.readMessage());
            else r.skip();
        }
        return new ValueInfo(name, shape);
    }

    // TypeProto.tensor_type=1 -> Tensor.shape=2 -> TensorShapeProto.dim=1 -> Dimension.dim_value=1
    private static int[] readTypeShape(ProtoReader type) {
        int[] shape = null;
        while (type.next()) {
            if (type.field() != 1) { type.skip(); continue; }
            ProtoReader tensor = type.readMessage();
            while (tensor.next()) {
                if (tensor.field() != 2) { tensor.skip(); continue; }
                ProtoReader shp = tensor.readMessage();
                List<Integer> dims = new ArrayList<>();
                while (shp.next()) {
                    if (shp.field() != 1) { shp.skip(); continue; }
                    ProtoReader dim = shp.readMessage();
                    long v = -1; // dim_param (a name) or nothing: symbolic
                    while (dim.next()) {
                        if (dim.field() == 1) v = dim.readVarint();
                        else dim.skip();
                    }
                    dims.add((int) v);
                }
                shape = dims.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return shape;
    }

    /** Turns a graph input into a constant (ONNX conformance cases pass shapes and axes as inputs). */
    public static void bindConstant(Graph g, String name, ConstTensor value) {
        g.inputs().remove(name);
        g.constants().put(name, value);
    }
}
