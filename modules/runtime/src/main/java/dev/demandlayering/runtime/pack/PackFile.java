package dev.demandlayering.runtime.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
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
        if (Files.isDirectory(path)) throw new PackFormatException(path + " is a directory; expected a pack file (.dlp) written by 'dlayer pack'");
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
            int headerCrc = h.getInt();
            if (headerCrc != PackLayout.headerCrc(h.array())) {
                throw new PackFormatException(path + ": header checksum mismatch (flags, table position or file length changed; file corrupt); "
                        + "re-create it with 'dlayer pack'");
            }
            if ((flags & ~PackLayout.FLAG_FP16) != 0) {
                throw new PackFormatException(path + ": header flags 0x" + Integer.toHexString(flags) + " name features this build does not know "
                        + "(known: 0x1 float16 blobs)");
            }
            if (fileLength != size) {
                throw new PackFormatException(path + ": " + (size < fileLength ? "truncated pack" : "pack longer than written") + ": " + size
                        + " bytes, header says " + fileLength);
            }
            if (tableOff != PackLayout.HEADER_BYTES || tableLen <= 0 || tableLen > Integer.MAX_VALUE || tableLen > size - tableOff) {
                throw new PackFormatException(path + ": layer table (" + tableLen + " bytes at " + tableOff + ") does not lie between the header and the end of the file");
            }
            ByteBuffer t = ByteBuffer.allocate((int) tableLen);
            readFully(ch, t, tableOff);
            CRC32C crc = new CRC32C();
            crc.update(t.array());
            if ((int) crc.getValue() != tableCrc) throw new PackFormatException(path + ": layer table checksum mismatch (file corrupt)");
            JsonNode root;
            try {
                root = JSON.readTree(t.array());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new PackFormatException(path + ": the layer table is not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (root.has("file_length") && root.get("file_length").asLong() != fileLength) {
                throw new PackFormatException(path + ": the layer table's file_length " + root.get("file_length").asLong() + " differs from the header's " + fileLength);
            }
            LayerTable.Parsed p = LayerTable.parse(path, root, (flags & PackLayout.FLAG_FP16) != 0, size, tableOff + tableLen);
            return new PackFile(path, p.model(), p.blobs(), p.blobsFp16());
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new java.io.EOFException("unexpected end of file at byte " + pos);
            pos += n;
        }
    }
}
