package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.BlobInfo;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.pack.PackLayout;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackFormatTest {
    @TempDir
    Path tmp;

    private PackFile pack() throws IOException {
        return Pipelines.pack(TestGraphs.smallCnn(7, 32), tmp);
    }

    @Test
    void blobsAreAlignedForDirectIoAndTableRoundTrips() throws IOException {
        PackFile p = pack();
        assertEquals(6, p.model().layers().size(), "five convs (BN folded into the first) and the Gemm each start a layer");
        for (Layer l : p.model().layers()) {
            BlobInfo b = p.blob(l.index());
            if (!l.hasWeights()) continue;
            assertEquals(0, b.offset() % PackLayout.BLOB_ALIGN, "layer " + l.index() + " blob offset");
            assertEquals(0, b.paddedLength() % PackLayout.BLOB_ALIGN);
            assertEquals(l.weightBytes(), b.length());
        }
        assertEquals(Files.size(p.path()), p.blob(p.model().layers().size() - 1).offset() + p.blob(p.model().layers().size() - 1).paddedLength());
    }

    /** Each precision's blobs together, in layer order: the loader reads consecutive layers with one request in either. */
    @Test
    void floatThirtyTwoBlobsComeFirstThenTheFloatSixteenOnesEachInLayerOrder() throws IOException {
        Path out = tmp.resolve("half.dlp");
        dev.demandlayering.runtime.pack.PackWriter.write(
                dev.demandlayering.runtime.layers.LayerBuilder.build(ModelImporter.normalize(TestGraphs.smallCnn(7, 32), "cnn")), out, true);
        PackFile p = PackFile.open(out);
        List<Layer> weighted = p.model().layers().stream().filter(Layer::hasWeights).toList();
        for (int i = 1; i < weighted.size(); i++) {
            BlobInfo a = p.blob(weighted.get(i - 1).index()), b = p.blob(weighted.get(i).index());
            assertEquals(a.offset() + a.paddedLength(), b.offset(), "float32 blob of layer " + weighted.get(i).index());
            BlobInfo a16 = p.blobFp16(weighted.get(i - 1).index()), b16 = p.blobFp16(weighted.get(i).index());
            assertEquals(a16.offset() + a16.paddedLength(), b16.offset(), "float16 blob of layer " + weighted.get(i).index());
        }
        BlobInfo last32 = p.blob(weighted.get(weighted.size() - 1).index()), first16 = p.blobFp16(weighted.get(0).index());
        assertEquals(last32.offset() + last32.paddedLength(), first16.offset(), "the float16 blobs follow the float32 ones");
        BlobInfo last16 = p.blobFp16(weighted.get(weighted.size() - 1).index());
        assertEquals(Files.size(out), last16.offset() + last16.paddedLength());
    }

    @Test
    void badMagicNamesTheFile() throws IOException {
        PackFile p = pack();
        patch(p.path(), 0, new byte[] {'N', 'O', 'P', 'E'});
        PackFormatException e = assertThrows(PackFormatException.class, () -> PackFile.open(p.path()));
        assertTrue(e.getMessage().contains(p.path().toString()) && e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void wrongVersionIsRefused() throws IOException {
        PackFile p = pack();
        patch(p.path(), 8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(99).array());
        PackFormatException e = assertThrows(PackFormatException.class, () -> PackFile.open(p.path()));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void truncatedPackIsRefusedAtOpen() throws IOException {
        PackFile p = pack();
        try (RandomAccessFile f = new RandomAccessFile(p.path().toFile(), "rw")) {
            f.setLength(f.length() - 5000);
        }
        PackFormatException e = assertThrows(PackFormatException.class, () -> PackFile.open(p.path()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptTableIsRefused() throws IOException {
        PackFile p = pack();
        patch(p.path(), PackLayout.HEADER_BYTES + 10, new byte[] {'#'});
        PackFormatException e = assertThrows(PackFormatException.class, () -> PackFile.open(p.path()));
        assertTrue(e.getMessage().contains("layer table checksum"), e.getMessage());
    }

    @Test
    void flippedWeightByteFailsWhenThatLayerIsLoadedNamingIt() throws IOException {
        PackFile p = pack();
        Layer big = p.model().layers().stream().max((a, b) -> Long.compare(a.weightBytes(), b.weightBytes())).orElseThrow();
        BlobInfo b = p.blob(big.index());
        patch(p.path(), b.offset() + 100, new byte[] {(byte) 0x5a, (byte) 0xa5});
        PackFile reopened = PackFile.open(p.path()); // the table is intact: the damage shows only when the blob is read
        Map<String, float[]> in = Map.of("x", TestGraphs.randomInput(1, 3 * 32 * 32));
        PackFormatException e = assertThrows(PackFormatException.class,
                () -> Pipelines.run(reopened, Session.Options.of(0, ResidencyMode.NONE), in));
        assertTrue(e.getMessage().contains("layer " + big.index()) && e.getMessage().contains("checksum mismatch")
                && e.getMessage().contains(p.path().toString()), e.getMessage());
    }

    /** A pack cut short after it was opened (a disk or copy failing under a running node): the read names file, layer, bytes and offset. */
    @Test
    void aPackTruncatedAfterOpeningFailsNamingTheOffset() throws IOException {
        PackFile p = pack();
        Layer last = p.model().layers().get(p.model().layers().size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(p.path().toFile(), "rw")) {
            f.setLength(p.blob(last.index()).offset() + 10);
        }
        Map<String, float[]> in = Map.of("x", TestGraphs.randomInput(1, 3 * 32 * 32));
        PackFormatException e = assertThrows(PackFormatException.class, () -> Pipelines.run(p, Session.Options.of(0, ResidencyMode.NONE), in));
        assertTrue(e.getMessage().startsWith(p.path() + ": layer " + last.index() + " '" + last.name() + "': reading " + last.weightBytes()
                + " bytes at offset " + p.blob(last.index()).offset() + " hit the end of the file (truncated pack"), e.getMessage());
    }

    @Test
    void missingPackIsReportedByName() {
        Path missing = tmp.resolve("nope.dlp");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PackFile.open(missing));
        assertTrue(e.getFile().contains("nope.dlp"));
    }

    @Test
    void fp16VariantHoldsTheSameWeightsInHalfPrecision() throws IOException {
        var r = dev.demandlayering.runtime.layers.LayerBuilder.build(ModelImporter.normalize(TestGraphs.smallCnn(3, 16), "t"));
        Path f = tmp.resolve("h.dlp");
        dev.demandlayering.runtime.pack.PackWriter.write(r, f, true);
        PackFile p = PackFile.open(f);
        assertTrue(p.hasFp16());
        byte[] all = Files.readAllBytes(f);
        int checked = 0;
        for (Layer l : p.model().layers()) {
            if (!l.hasWeights()) continue;
            BlobInfo full = p.blob(l.index()), half = p.blobFp16(l.index());
            assertEquals(l.weightBytes() / 2, half.length());
            ByteBuffer a = ByteBuffer.wrap(all, (int) full.offset(), (int) full.length()).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer h = ByteBuffer.wrap(all, (int) half.offset(), (int) half.length()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < full.length() / 4; i++) {
                float v = a.getFloat(), hv = dev.demandlayering.runtime.pack.Fp16.toFloat(h.getShort());
                assertEquals(v, hv, Math.abs(v) / 1024 + 1e-7, "layer " + l.index() + " weight " + i);
                checked++;
            }
        }
        assertTrue(checked > 1000);
    }

    private static void patch(Path file, long at, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        }
    }
}
