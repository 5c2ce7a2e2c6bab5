package dev.demandlayering.runtime.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a pack's JSON layer table and checks it against itself and the file before any weight is read: every
 * field present and of its type, each weight's shape times its element size equal to its length, weights
 * inside their layer's blob without overlapping, blobs aligned, inside the file and apart. A table whose CRC
 * is right but whose contents lie is refused here, naming the file, layer and field.
 */
final class LayerTable {
    /** The model and where each layer's blobs lie (float16 ones null when the pack has none). */
    record Parsed(LayeredModel model, List<BlobInfo> blobs, List<BlobInfo> blobsFp16) {
    }

    private final Path path;
    private final long fileSize;
    private final long blobsStart;

    private LayerTable(Path path, long fileSize, long blobsStart) {
        this.path = path;
        this.fileSize = fileSize;
        this.blobsStart = blobsStart;
    }

    static Parsed parse(Path path, JsonNode root, boolean fp16, long fileSize, long blobsStart) {
        return new LayerTable(path, fileSize, blobsStart).parse(root, fp16);
    }

    private Parsed parse(JsonNode root, boolean fp16) {
        if (!root.isObject()) throw fail("the layer table is not a JSON object");
        String model = text(root, "model", "");
        Map<String, int[]> inputs = shapes(object(root, "inputs", ""), "inputs");
        List<String> outputs = new ArrayList<>();
        for (JsonNode o : array(root, "outputs", "")) outputs.add(o.asText());
        Map<String, int[]> tensors = shapes(object(root, "tensors", ""), "tensors");
        List<Layer> layers = new ArrayList<>();
        List<BlobInfo> b32 = new ArrayList<>(), b16 = fp16 ? new ArrayList<>() : null;
        JsonNode layerArray = array(root, "layers", "");
        for (int i = 0; i < layerArray.size(); i++) {
            JsonNode lo = layerArray.get(i);
            String where = "layers[" + i + "]";
            long index = integer(lo, "index", where);
            if (index != i) throw fail(where + ".index is " + index + ", expected " + i + " (layers are stored in order)");
            Layer layer = layer(lo, i, where);
            layers.add(layer);
            String named = "layer " + i + " '" + layer.name() + "'";
            b32.add(blob(lo, "blob", layer.weightBytes(), named));
            if (fp16) {
                if (!lo.has("blob_fp16")) throw fail(named + ": the header's float16 flag is set but the layer has no blob_fp16");
                b16.add(blob(lo, "blob_fp16", layer.weightBytes() / 2, named));
            }
        }
        checkApart(b32, b16, layers);
        return new Parsed(new LayeredModel(model, inputs, outputs, tensors, layers), b32, b16);
    }

    private Layer layer(JsonNode lo, int i, String where) {
        String name = text(lo, "name", where);
        List<Node> nodes = new ArrayList<>();
        JsonNode nodeArray = array(lo, "nodes", where);
        if (nodeArray.isEmpty()) throw fail("layer " + i + " '" + name + "' has no nodes");
        for (int n = 0; n < nodeArray.size(); n++) {
            JsonNode no = nodeArray.get(n);
            String w = where + ".nodes[" + n + "]";
            List<String> ins = new ArrayList<>(), outs = new ArrayList<>();
            array(no, "inputs", w).forEach(x -> ins.add(x.asText()));
            array(no, "outputs", w).forEach(x -> outs.add(x.asText()));
            try {
                nodes.add(new Node(text(no, "op", w), text(no, "name", w), ins, outs, AttributeCodec.decode(object(no, "attrs", w))));
            } catch (RuntimeException e) {
                if (e instanceof PackFormatException) throw e;
                throw fail(w + ".attrs: " + e.getMessage());
            }
        }
        String named = "layer " + i + " '" + name + "'";
        long weightBytes = integer(lo, "weight_bytes", where);
        if (weightBytes < 0) throw fail(named + ": weight_bytes is " + weightBytes + ", expected >= 0");
        List<Layer.WeightRef> ws = new ArrayList<>();
        JsonNode weightArray = array(lo, "weights", where);
        for (int k = 0; k < weightArray.size(); k++) {
            JsonNode wo = weightArray.get(k);
            String w = where + ".weights[" + k + "]";
            String wname = text(wo, "name", w);
            int[] shape = ints(array(wo, "shape", w), w + ".shape");
            long offset = integer(wo, "offset", w), length = integer(wo, "length", w);
            String tensor = named + ": weight '" + wname + "'";
            long elements = 1;
            for (int d : shape) {
                if (d < 0) throw fail(tensor + ": shape " + java.util.Arrays.toString(shape) + " has a negative dimension");
                elements = Math.multiplyExact(elements, d);
            }
            if (length != 4 * elements) {
                throw fail(tensor + ": shape " + java.util.Arrays.toString(shape) + " needs " + 4 * elements + " bytes of float32, length says " + length);
            }
            if (offset < 0 || offset % 64 != 0) throw fail(tensor + ": offset " + offset + " is negative or not 64-byte aligned");
            if (offset + length > weightBytes) {
                throw fail(tensor + ": bytes " + offset + ".." + (offset + length) + " run past the layer's " + weightBytes + " weight bytes");
            }
            ws.add(new Layer.WeightRef(wname, shape, offset, length));
        }
        List<Layer.WeightRef> sorted = new ArrayList<>(ws);
        sorted.sort(Comparator.comparingLong(Layer.WeightRef::offset));
        for (int k = 1; k < sorted.size(); k++) {
            Layer.WeightRef a = sorted.get(k - 1), b = sorted.get(k);
            if (a.offset() + a.length() > b.offset()) throw fail(named + ": weights '" + a.name() + "' and '" + b.name() + "' overlap in the blob");
        }
        if (ws.isEmpty() && weightBytes != 0) throw fail(named + ": weight_bytes is " + weightBytes + " but the layer lists no weights");
        return new Layer(i, name, nodes, ws, weightBytes);
    }

    private BlobInfo blob(JsonNode lo, String field, long expectedLength, String named) {
        JsonNode b = object(lo, field, named);
        String where = named + ": " + field;
        long offset = integer(b, "offset", where), length = integer(b, "length", where), padded = integer(b, "padded_length", where);
        int crc;
        try {
            crc = Integer.parseUnsignedInt(text(b, "crc32c", where), 16);
        } catch (NumberFormatException e) {
            throw fail(where + ".crc32c '" + b.get("crc32c").asText() + "' is not a hexadecimal CRC-32C");
        }
        if (length != expectedLength) throw fail(where + ".length is " + length + ", the layer's weights need " + expectedLength + " bytes");
        if (length == 0) return new BlobInfo(0, 0, 0, 0);
        if (offset < blobsStart || offset % PackLayout.BLOB_ALIGN != 0) {
            throw fail(where + ".offset " + offset + " is not a multiple of " + PackLayout.BLOB_ALIGN + " at or after byte " + blobsStart);
        }
        if (padded < length || padded % PackLayout.BLOB_ALIGN != 0) {
            throw fail(where + ".padded_length " + padded + " is not a multiple of " + PackLayout.BLOB_ALIGN + " holding its " + length + " bytes");
        }
        if (offset > fileSize - padded) {
            throw fail(where + " at " + offset + " (" + padded + " bytes) runs past the end of the file (" + fileSize + " bytes)");
        }
        return new BlobInfo(offset, length, padded, crc);
    }

    /** No two blobs share a byte: a table pointing two layers at one blob would load the wrong weights. */
    private void checkApart(List<BlobInfo> b32, List<BlobInfo> b16, List<Layer> layers) {
        List<long[]> spans = new ArrayList<>(); // offset, end, layer
        for (int i = 0; i < b32.size(); i++) {
            if (b32.get(i).length() > 0) spans.add(new long[] {b32.get(i).offset(), b32.get(i).offset() + b32.get(i).paddedLength(), i});
            if (b16 != null && b16.get(i).length() > 0) spans.add(new long[] {b16.get(i).offset(), b16.get(i).offset() + b16.get(i).paddedLength(), i});
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        for (int k = 1; k < spans.size(); k++) {
            if (spans.get(k - 1)[1] > spans.get(k)[0]) {
                Layer a = layers.get((int) spans.get(k - 1)[2]), b = layers.get((int) spans.get(k)[2]);
                throw fail("the blobs of layer " + a.index() + " '" + a.name() + "' and layer " + b.index() + " '" + b.name() + "' overlap");
            }
        }
    }

    private Map<String, int[]> shapes(JsonNode o, String where) {
        Map<String, int[]> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), ints(e.getValue(), where + "." + e.getKey())));
        return out;
    }

    private int[] ints(JsonNode a, String where) {
        if (!a.isArray()) throw fail(where + " is not an array of integers");
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            if (!a.get(i).canConvertToInt()) throw fail(where + "[" + i + "] is " + a.get(i) + ", expected an integer");
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    private JsonNode field(JsonNode o, String name, String where) {
        JsonNode v = o == null ? null : o.get(name);
        if (v == null || v.isNull()) throw fail((where.isEmpty() ? "" : where + ": ") + "field '" + name + "' is missing");
        return v;
    }

    private String text(JsonNode o, String name, String where) {
        JsonNode v = field(o, name, where);
        if (!v.isTextual()) throw fail(at(where, name) + " is " + v + ", expected a string");
        return v.asText();
    }

    private long integer(JsonNode o, String name, String where) {
        JsonNode v = field(o, name, where);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw fail(at(where, name) + " is " + v + ", expected an integer");
        return v.asLong();
    }

    private JsonNode array(JsonNode o, String name, String where) {
        JsonNode v = field(o, name, where);
        if (!v.isArray()) throw fail(at(where, name) + " is not an array");
        return v;
    }

    private JsonNode object(JsonNode o, String name, String where) {
        JsonNode v = field(o, name, where);
        if (!v.isObject()) throw fail(at(where, name) + " is not an object");
        return v;
    }

    private static String at(String where, String name) {
        return where.isEmpty() ? name : where + "." + name;
    }

    private PackFormatException fail(String what) {
        return new PackFormatException(path + ": invalid layer table: " + what + "; re-create the pack with 'dlayer pack'");
    }
}
