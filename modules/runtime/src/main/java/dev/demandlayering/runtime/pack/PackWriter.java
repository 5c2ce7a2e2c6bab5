package dev.demandlayering.runtime.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.io.AtomicFiles;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a layered model as one pack file: header, JSON layer table, then each layer's weight blob (float32,
 * and optionally float16) on a 4096-byte boundary. Written to a temporary file and moved into place, so a
 * failed write never leaves a half pack under the target name, and concurrent writers of one target never collide.
 */
public final class PackWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PackWriter() {
    }

    public static void write(LayerBuilder.Result built, Path target, boolean withFp16) throws IOException {
        LayeredModel m = built.model();
        Map<String, ConstTensor> weights = built.weights();
        List<byte[]> blobs32 = new ArrayList<>();
        List<byte[]> blobs16 = new ArrayList<>();
        for (Layer l : m.layers()) {
            blobs32.add(blob(l, weights, false));
            blobs16.add(withFp16 ? blob(l, weights, true) : new byte[0]);
        }
        // the table holds blob offsets, which depend on the table's length: lay out twice until stable
        long tableLen = 0;
        byte[] table;
        while (true) {
            long pos = LayerBuilder.align(PackLayout.HEADER_BYTES + tableLen, PackLayout.BLOB_ALIGN);
            List<BlobInfo> b32 = new ArrayList<>(), b16 = new ArrayList<>();
            // every float32 blob, then every float16 one: a reader of either precision finds consecutive layers'
            // blobs next to each other in the file and reads them with one request (interleaved, each was one)
            for (byte[] b : blobs32) pos = place(b, pos, b32);
            for (byte[] b : blobs16) pos = place(b, pos, b16);
            table = JSON.writeValueAsBytes(table(m, b32, withFp16 ? b16 : null, pos));
            if (table.length <= tableLen) break;
            tableLen = table.length + 256;
        }
        ObjectNode parsed = (ObjectNode) JSON.readTree(table);
        long fileLength = parsed.get("file_length").asLong();
        byte[] padded = java.util.Arrays.copyOf(table, (int) tableLen);
        java.util.Arrays.fill(padded, table.length, padded.length, (byte) ' ');
        // a name of its own per writer: processes sharing a cache may pack the same model at once; the last rename wins, whole
        AtomicFiles.replace(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer h = ByteBuffer.allocate(PackLayout.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                h.put(PackLayout.MAGIC).putInt(PackLayout.VERSION).putInt(withFp16 ? PackLayout.FLAG_FP16 : 0)
                        .putLong(PackLayout.HEADER_BYTES).putLong(padded.length).putInt(crc(padded)).putLong(fileLength);
                h.putInt(PackLayout.HEADER_CRC_AT, PackLayout.headerCrc(h.array()));
                h.position(0).limit(PackLayout.HEADER_BYTES);
                writeFully(ch, h, 0);
                writeFully(ch, ByteBuffer.wrap(padded), PackLayout.HEADER_BYTES);
                long pos = LayerBuilder.align(PackLayout.HEADER_BYTES + padded.length, PackLayout.BLOB_ALIGN);
                for (byte[] b : blobs32) pos = writeBlob(ch, b, pos);
                for (byte[] b : blobs16) pos = writeBlob(ch, b, pos);
                if (pos != fileLength) throw new IllegalStateException("pack layout mismatch: " + pos + " != " + fileLength);
                if (ch.size() < fileLength) writeFully(ch, ByteBuffer.allocate(1), fileLength - 1);
                ch.force(true); // on disk before the rename makes it visible: a crash leaves the old pack or the whole new one
            }
        });
    }

    private static long place(byte[] blob, long pos, List<BlobInfo> out) {
        if (blob.length == 0) {
            out.add(new BlobInfo(0, 0, 0, 0));
            return pos;
        }
        long padded = LayerBuilder.align(blob.length, PackLayout.BLOB_ALIGN);
        out.add(new BlobInfo(pos, blob.length, padded, crc(blob)));
        return pos + padded;
    }

    private static long writeBlob(FileChannel ch, byte[] blob, long pos) throws IOException {
        if (blob.length == 0) return pos;
        long padded = LayerBuilder.align(blob.length, PackLayout.BLOB_ALIGN);
        ByteBuffer b = ByteBuffer.allocate((int) padded);
        b.put(blob).clear();
        writeFully(ch, b, pos);
        return pos + padded;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static byte[] blob(Layer l, Map<String, ConstTensor> weights, boolean half) {
        if (!l.hasWeights()) return new byte[0];
        int scale = half ? 2 : 1;
        ByteBuffer b = ByteBuffer.allocate((int) (l.weightBytes() / scale)).order(ByteOrder.LITTLE_ENDIAN);
        for (Layer.WeightRef w : l.weights()) {
            b.position((int) (w.offset() / scale));
            for (float f : weights.get(w.name()).floats()) {
                if (half) b.putShort(Fp16.fromFloat(f));
                else b.putFloat(f);
            }
        }
        return b.array();
    }

    private static ObjectNode table(LayeredModel m, List<BlobInfo> b32, List<BlobInfo> b16, long fileLength) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", m.name());
        root.put("file_length", fileLength);
        ObjectNode ins = root.putObject("inputs");
        m.inputs().forEach((k, v) -> ins.set(k, ints(v)));
        ArrayNode outs = root.putArray("outputs");
        m.outputs().forEach(outs::add);
        ObjectNode acts = root.putObject("tensors");
        m.activationShapes().forEach((k, v) -> acts.set(k, ints(v)));
        ArrayNode layers = root.putArray("layers");
        for (Layer l : m.layers()) {
            ObjectNode lo = layers.addObject();
            lo.put("index", l.index());
            lo.put("name", l.name());
            ArrayNode nodes = lo.putArray("nodes");
            for (Node n : l.nodes()) {
                ObjectNode no = nodes.addObject();
                no.put("op", n.opType());
                no.put("name", n.name());
                ArrayNode ni = no.putArray("inputs");
                n.inputs().forEach(ni::add);
                ArrayNode nout = no.putArray("outputs");
                n.outputs().forEach(nout::add);
                no.set("attrs", AttributeCodec.encode(n.attributes()));
            }
            ArrayNode ws = lo.putArray("weights");
            for (Layer.WeightRef w : l.weights()) {
                ObjectNode wo = ws.addObject();
                wo.put("name", w.name());
                wo.set("shape", ints(w.shape()));
                wo.put("offset", w.offset());
                wo.put("length", w.length());
            }
            lo.put("weight_bytes", l.weightBytes());
            lo.set("blob", blobJson(b32.get(l.index())));
            if (b16 != null) lo.set("blob_fp16", blobJson(b16.get(l.index())));
        }
        return root;
    }

    private static ObjectNode blobJson(BlobInfo b) {
        ObjectNode o = JSON.createObjectNode();
        o.put("offset", b.offset());
        o.put("length", b.length());
        o.put("padded_length", b.paddedLength());
        o.put("crc32c", Integer.toUnsignedString(b.crc32c(), 16));
        return o;
    }

    private static ArrayNode ints(int[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (int i : v) a.add(i);
        return a;
    }
}
