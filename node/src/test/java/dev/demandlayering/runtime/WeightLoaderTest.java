package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.LoaderThroughput;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader with blobs large enough (332 KB each) that their checksums are checked by its verifier thread. */
class WeightLoaderTest {
    @TempDir
    Path tmp;

    private PackFile chain() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.chain(6, 96, 8), tmp);
        assertTrue(p.model().layers().get(0).weightBytes() >= 256 << 10, "the blobs must be large enough for the verifier thread");
        return p;
    }

    private static Map<String, float[]> input() {
        return Map.of("x", TestGraphs.randomInput(5, 96 * 64));
    }

    private static long minimum(PackFile p) {
        return ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
    }

    @Test
    void largeBlobsStreamedFrameAfterFrameGiveTheResidentBits() throws IOException {
        PackFile p = chain();
        float[] resident = Pipelines.run(p, Session.Options.of(0, ResidencyMode.ALL), input()).outputs().get(0).values().iterator().next();
        try (Session s = Session.open(List.of(p), Session.Options.of(minimum(p), ResidencyMode.NONE), new CpuBackend())) {
            for (int frame = 0; frame < 3; frame++) {
                FrameResult r = s.run(List.of(input()));
                assertEquals(p.model().layers().stream().mapToLong(Layer::weightBytes).sum(), r.stats().bytesRead(), "every blob read once a frame");
                assertArrayEquals(resident, r.outputs().get(0).values().iterator().next(), "frame " + frame);
            }
        }
    }

    @Test
    void aDamagedLargeBlobFailsAtItsLayerNamingIt() throws IOException {
        PackFile p = chain();
        Layer damaged = p.model().layers().get(3);
        try (RandomAccessFile f = new RandomAccessFile(p.path().toFile(), "rw")) {
            f.seek(p.blob(damaged.index()).offset() + 1000);
            int b = f.read();
            f.seek(p.blob(damaged.index()).offset() + 1000);
            f.write(b ^ 0x40);
        }
        PackFile reopened = PackFile.open(p.path());
        PackFormatException e = assertThrows(PackFormatException.class,
                () -> Pipelines.run(reopened, Session.Options.of(minimum(reopened), ResidencyMode.NONE), input()));
        assertTrue(e.getMessage().startsWith(p.path() + ": layer " + damaged.index() + " '" + damaged.name() + "': weight checksum mismatch"), e.getMessage());
    }

    @Test
    void theLoaderAloneHandsOverEveryBlobOfEveryFrame() throws Exception {
        PackFile p = chain();
        long perFrame = p.model().layers().stream().mapToLong(Layer::weightBytes).sum();
        long largest = p.model().layers().stream().mapToLong(l -> ArenaPlanner.slotBytes(l)).max().orElseThrow();
        try (CpuBackend cpu = new CpuBackend()) {
            dev.demandlayering.runtime.pack.DiskBandwidth.Measurement m = LoaderThroughput.measure(List.of(p), cpu, 2 * largest, 4, Engine.Options.defaults(), WeightPrecision.FP32);
            assertEquals(4 * perFrame, m.bytes());
            assertTrue(m.seconds() > 0);
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> LoaderThroughput.measure(List.of(p), cpu, largest - 4096, 1, Engine.Options.defaults(), WeightPrecision.FP32));
            assertTrue(small.getMessage().contains("cannot hold layer 0 of " + p.path()), small.getMessage());
        }
    }
}
