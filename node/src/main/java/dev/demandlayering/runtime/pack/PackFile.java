package dev.demandlayering.runtime.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * An opened pack: its validated header and layer table, and where each layer's blob lies. Blobs are read
 * by {@link BlobReader}, which checks each blob's CRC32C as it lands.
 */
public final class PackFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final LayeredModel model;
    private final List<BlobInfo> blobs;
    private final List<BlobInfo> blobsFp16;

    private PackFile(Path path, LayeredModel model, List<BlobInfo> blobs, List<BlobInfo> blobsFp16) {
        this.path = path;
        this.model = model;
        this.blobs = blobs;
        this.blobsFp16 = blobsFp16;
    }

    public Path path() {
        return path;
    }

    public LayeredModel model() {
        return model;
    }

    public BlobInfo blob(int layer) {
        return blobs.get(layer);
    }

    public boolean hasFp16() {
        return blobsFp16 != null;
    }

    public BlobInfo blobFp16(int layer) {
        return blobsFp16.get(layer);
    }

    public static PackFile open(Path path) throws IOException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "pack file not found");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < PackLayout.HEADER_BYTES) {
                throw new PackFormatException(path + ": truncated pack: " + size + " bytes, shorter than the " + PackLayout.HEADER_BYTES + "-byte header");
            }
            ByteBuffer h = ByteBuffer.allocate(PackLayout.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            if (!Arrays.equals(magic, PackLayout.MAGIC)) {
                throw new PackFormatException(path + ": not a demand-layering pack (bad magic "
                        + new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?")
                        + ", expected DLAYPACK)");
            }
            int version = h.getInt();
            if (version != PackLayout.VERSION) {
                throw new PackFormatException(path + ": pack version " + version + " is not supported (this build reads version "
                        + PackLayout.VERSION + "); re-pack the model");
            }
            int flags = h.getInt();
            long tableOff = h.getLong(), tableLen = h.getLong();
            int tableCrc = h.getInt();
            long fileLength = h.getLong();
            if (size < fileLength) {
                throw new PackFormatException(path + ": truncated pack: " + size + " bytes, header says " + fileLength);
            }
            if (tableOff + tableLen > size || tableLen > Integer.MAX_VALUE) {
                throw new PackFormatException(path + ": layer table (" + tableLen + " bytes at " + tableOff + ") runs past the end of the file");
            }
            ByteBuffer t = ByteBuffer.allocate((int) tableLen);
            readFully(ch, t, tableOff);
            CRC32C crc = new CRC32C();
            crc.update(t.array());
            if ((int) crc.getValue() != tableCrc) throw new PackFormatException(path + ": layer table checksum mismatch (file corrupt)");
            return parse(path, JSON.readTree(t.array()), (flags & PackLayout.FLAG_FP16) != 0, size);
        }
    }

    private static PackFile parse(Path path, JsonNode root, boolean fp16, long size) {
        Map<String, int[]> inputs = new LinkedHashMap<>();
        root.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), ints(e.getValue())));
        List<String> outputs = new ArrayList<>();
        root.get("outputs").forEach(o -> outputs.add(o.asText()));
        Map<String, int[]> tensors = new LinkedHashMap<>();
        root.get("tensors").fields().forEachRemaining(e -> tensors.put(e.getKey(), ints(e.getValue())));
        List<Layer> layers = new ArrayList<>();
        List<BlobInfo> b32 = new ArrayList<>(), b16 = fp16 ? new ArrayList<>() : null;
        for (JsonNode lo : root.get("layers")) {
            List<Node> nodes = new ArrayList<>();
            for (JsonNode no : lo.get("nodes")) {
                List<String> ins = new ArrayList<>(), outs = new ArrayList<>();
                no.get("inputs").forEach(x -> ins.add(x.asText()));
                no.get("outputs").forEach(x -> outs.add(x.asText()));
                nodes.add(new Node(no.get("op").asText(), no.get("name").asText(), ins, outs, AttributeCodec.decode(no.get("attrs"))));
            }
            List<Layer.WeightRef> ws = new ArrayList<>();
            for (JsonNode wo : lo.get("weights")) {
                ws.add(new Layer.WeightRef(wo.get("name").asText(), ints(wo.get("shape")), wo.get("offset").asLong(), wo.get("length").asLong()));
            }
            Layer layer = new Layer(lo.get("index").asInt(), lo.get("name").asText(), nodes, ws, lo.get("weight_bytes").asLong());
            layers.add(layer);
            b32.add(blob(lo.get("blob"), path, layer, size));
            if (fp16) b16.add(blob(lo.get("blob_fp16"), path, layer, size));
        }
        LayeredModel m = new LayeredModel(root.get("model").asText(), inputs, outputs, tensors, layers);
        return new PackFile(path, m, b32, b16);
    }

    private static BlobInfo blob(JsonNode b, Path path, Layer layer, long size) {
        BlobInfo info = new BlobInfo(b.get("offset").asLong(), b.get("length").asLong(), b.get("padded_length").asLong(),
                Integer.parseUnsignedInt(b.get("crc32c").asText(), 16));
        if (info.offset() % PackLayout.BLOB_ALIGN != 0 || info.offset() + info.paddedLength() > size) {
            throw new PackFormatException(path + ": layer " + layer.index() + " '" + layer.name() + "': blob at " + info.offset()
                    + " (" + info.paddedLength() + " bytes) is misaligned or past the end of the file");
        }
        return info;
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new java.io.EOFException("unexpected end of file at byte " + pos);
            pos += n;
        }
    }
}
