package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.pack.PackLayout;
import dev.demandlayering.runtime.pack.PackWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packs whose checksums are right but whose layer table or header lies: each is refused when the pack is opened,
 * before any weight is read, naming the file, the layer and the field. The lies are written with fresh CRCs, as a
 * buggy writer or a hand edit would leave them, so only the table's consistency can catch them.
 */
class PackValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path pack(boolean fp16) throws IOException {
        Path p = tmp.resolve(fp16 ? "half.dlp" : "full.dlp");
        PackWriter.write(LayerBuilder.build(ModelImporter.normalize(TestGraphs.smallCnn(7, 32), "t")), p, fp16);
        return p;
    }

    /** The first weight of the first layer with weights (a conv kernel, OIHW). */
    private static ObjectNode firstWeight(ObjectNode table) {
        for (var layer : table.get("layers")) if (layer.get("weights").size() > 0) return (ObjectNode) layer.get("weights").get(0);
        throw new AssertionError("no weights");
    }

    private PackFormatException refused(Path p) {
        PackFormatException e = assertThrows(PackFormatException.class, () -> PackFile.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e;
    }

    @Test
    void aWeightShapeThatDoesNotMatchItsBytesIsRefused() throws IOException {
        Path p = pack(false);
        rewriteTable(p, t -> {
            ArrayNode shape = (ArrayNode) firstWeight(t).get("shape");
            shape.set(2, 5); // a 3x3 kernel's bytes claimed as 5x5
            shape.set(3, 5);
        });
        String m = refused(p).getMessage();
        assertTrue(m.contains("layer 0") && m.contains("weight '") && m.contains("shape [") && m.contains("bytes of float32, length says"), m);
    }

    @Test
    void aNegativeOffsetIsRefused() throws IOException {
        Path p = pack(false);
        rewriteTable(p, t -> firstWeight(t).put("offset", -64));
        String m = refused(p).getMessage();
        assertTrue(m.contains("offset -64 is negative or not 64-byte aligned"), m);
    }

    @Test
    void aLengthPastTheBlobIsRefused() throws IOException {
        Path p = pack(false);
        rewriteTable(p, t -> {
            ObjectNode w = firstWeight(t);
            w.put("length", 1_000_000_000L);
            ((ArrayNode) w.get("shape")).removeAll().add(250_000_000);
        });
        String m = refused(p).getMessage();
        assertTrue(m.contains("run past the layer's") && m.contains("weight bytes"), m);
    }

    @Test
    void overlappingWeightsAndBlobsAreRefused() throws IOException {
        Path p = pack(false);
        rewriteTable(p, t -> {
            for (var layer : t.get("layers")) {
                if (layer.get("weights").size() > 1) {
                    ((ObjectNode) layer.get("weights").get(1)).put("offset", 0);
                    return;
                }
            }
        });
        assertTrue(refused(p).getMessage().contains("overlap in the blob"));

        Path q = pack(false);
        rewriteTable(q, t -> {
            long firstBlob = t.get("layers").get(0).get("blob").get("offset").asLong();
            ((ObjectNode) t.get("layers").get(1).get("blob")).put("offset", firstBlob);
        });
        String m = refused(q).getMessage();
        assertTrue(m.contains("layer 0") && m.contains("layer 1") && m.contains("overlap"), m);
    }

    @Test
    void aMissingFieldIsNamedInsteadOfANullPointer() throws IOException {
        Path p = pack(false);
        rewriteTable(p, t -> ((ObjectNode) t.get("layers").get(2)).remove("weight_bytes"));
        String m = refused(p).getMessage();
        assertTrue(m.contains("layers[2]: field 'weight_bytes' is missing"), m);
    }

    @Test
    void headerFieldsAreCoveredByTheHeaderChecksum() throws IOException {
        Path p = pack(false);
        patch(p, 12, le32(PackLayout.FLAG_FP16)); // the float16 flag flipped on, CRC untouched
        assertTrue(refused(p).getMessage().contains("header checksum mismatch"));

        Path q = pack(false);
        patch(q, 36, le64(-1)); // fileLength -1
        assertTrue(refused(q).getMessage().contains("header checksum mismatch"));
    }

    @Test
    void liesInTheHeaderWithAFreshChecksumAreRefusedToo() throws IOException {
        Path p = pack(false);
        patchHeader(p, 12, le32(PackLayout.FLAG_FP16));
        String m = refused(p).getMessage();
        assertTrue(m.contains("float16 flag is set but the layer has no blob_fp16"), m);

        Path q = pack(false);
        patchHeader(q, 36, le64(-1));
        assertTrue(refused(q).getMessage().contains("header says -1"), refused(q).getMessage());

        Path r = pack(false);
        patchHeader(r, 12, le32(0x10));
        assertTrue(refused(r).getMessage().contains("header flags 0x10"), refused(r).getMessage());
    }

    @Test
    void aFloat16BlobOfTheWrongLengthIsRefused() throws IOException {
        Path p = pack(true);
        rewriteTable(p, t -> ((ObjectNode) t.get("layers").get(0).get("blob_fp16")).put("length", 64));
        String m = refused(p).getMessage();
        assertTrue(m.contains("blob_fp16.length is 64"), m);
    }

    @Test
    void anIntactPackStillOpens() throws IOException {
        Path p = pack(true);
        rewriteTable(p, t -> {
        }); // re-serialised with fresh CRCs, contents unchanged
        assertEquals(6, PackFile.open(p).model().layers().size());
    }

    /** Edits the layer table as JSON and writes it back in place (space-padded to its length) with fresh table and header CRCs. */
    private static void rewriteTable(Path p, Consumer<ObjectNode> edit) throws IOException {
        byte[] all = Files.readAllBytes(p);
        ByteBuffer h = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int tableLen = (int) h.getLong(24);
        ObjectNode table = (ObjectNode) JSON.readTree(Arrays.copyOfRange(all, PackLayout.HEADER_BYTES, PackLayout.HEADER_BYTES + tableLen));
        edit.accept(table);
        byte[] json = JSON.writeValueAsBytes(table);
        assertTrue(json.length <= tableLen, "edited table no longer fits");
        byte[] padded = Arrays.copyOf(json, tableLen);
        Arrays.fill(padded, json.length, tableLen, (byte) ' ');
        System.arraycopy(padded, 0, all, PackLayout.HEADER_BYTES, tableLen);
        CRC32C c = new CRC32C();
        c.update(padded);
        h.putInt(32, (int) c.getValue());
        h.putInt(44, headerCrc(all));
        Files.write(p, all);
    }

    /** Changes header bytes and recomputes the header CRC, as a writer that believed the lie would. */
    private static void patchHeader(Path p, int at, byte[] bytes) throws IOException {
        byte[] all = Files.readAllBytes(p);
        System.arraycopy(bytes, 0, all, at, bytes.length);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(44, headerCrc(all));
        Files.write(p, all);
    }

    private static int headerCrc(byte[] header) {
        CRC32C c = new CRC32C();
        c.update(header, 0, 44);
        c.update(header, 48, 16);
        return (int) c.getValue();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static void patch(Path file, long at, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        }
    }
}
