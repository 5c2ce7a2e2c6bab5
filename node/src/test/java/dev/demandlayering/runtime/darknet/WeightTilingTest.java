package dev.demandlayering.runtime.darknet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Intra-layer weight tiling: bit-identical outputs, an arena below the largest layer, and bad tile sizes. */
class WeightTilingTest {
    @TempDir
    Path tmp;

    PackFile pack(LayerBuilder.Result r, String name) throws IOException {
        Path p = tmp.resolve(name + ".dlp");
        PackWriter.write(r, p, false);
        return PackFile.open(p);
    }

    static float[] input(int n, long seed) {
        float[] x = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    static FrameResult run(PackFile p, long budget, ResidencyMode mode, Map<String, float[]> in) throws IOException {
        return run(p, budget, mode, in, new CpuBackend());
    }

    static FrameResult run(PackFile p, long budget, ResidencyMode mode, Map<String, float[]> in, CpuBackend cpu) throws IOException {
        try (Session s = Session.open(List.of(p), Session.Options.of(budget, mode), cpu)) {
            return s.run(List.of(in));
        }
    }

    /** Tiles narrower than the CPU backend's channel block, on OpenBLAS: the bound docs/cpu-backend.md gives. */
    static final double TILED_BOUND = 1e-6;

    static long minimum(PackFile p) {
        return ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
    }

    /**
     * Convolutions and fully connected layers of the small networks, tiled to 2 KiB (3 channels a tile): the same
     * bits out of the Java kernels and the Vector API convolutions; on OpenBLAS, whose sums depend on the call's
     * shape, within the documented bound.
     */
    @Test
    void tiledSmallNetworksGiveTheSameBits() throws IOException {
        Path res = TestRepo.root().resolve("node/src/test/resources/darknet");
        for (String net : List.of("small-detector", "small-classifier")) {
            Path cfg = res.resolve(net + ".cfg");
            PackFile whole = pack(ModelImporter.importDarknet(cfg, null, 11), net);
            PackFile tiled = pack(ModelImporter.importDarknet(cfg, null, 11, 2048L), net + "-tiled");
            assertTrue(tiled.model().layers().size() > whole.model().layers().size(), net + ": tiles are layers of their own");
            for (var l : tiled.model().layers()) {
                // every layer fits a tile (plus bias and alignment) except grouped convolutions, which stay whole
                boolean grouped = l.nodes().get(0).attributes().getInt("group", 1) > 1;
                assertTrue(l.weightBytes() <= 2048 + 256 || grouped, net + ": layer " + l.index() + " has " + l.weightBytes() + " bytes");
            }
            int[] s = whole.model().inputs().get("input");
            Map<String, float[]> in = Map.of("input", input(s[1] * s[2] * s[3], 4));
            FrameResult a = run(whole, 0, ResidencyMode.ALL, in, CpuBackend.javaKernels());
            FrameResult b = run(tiled, minimum(tiled), ResidencyMode.NONE, in, CpuBackend.javaKernels());
            for (String o : whole.model().outputs()) assertArrayEquals(a.outputs().get(0).get(o), b.outputs().get(0).get(o), net + " " + o);
            FrameResult c = run(whole, 0, ResidencyMode.ALL, in), d = run(tiled, minimum(tiled), ResidencyMode.NONE, in);
            for (String o : whole.model().outputs()) {
                double rel = dev.demandlayering.Outputs.relativeL2(c.outputs().get(0).get(o), d.outputs().get(0).get(o));
                System.out.printf("%s %s: tiled vs untiled on %s: relative L2 %.3g%n", net, o, new CpuBackend().compute(), rel);
                assertTrue(rel <= TILED_BOUND, net + " " + o + ": relative L2 " + rel);
                // the Vector API convolutions sum each output in k order whatever the tile: the detector is all convolutions
                if (net.equals("small-detector") && new CpuBackend().vectorConvolutions()) {
                    assertArrayEquals(c.outputs().get(0).get(o), d.outputs().get(0).get(o), net + " " + o + " on the Vector API");
                }
            }
        }
    }

    /**
     * YOLOv3-tiny (largest layer 18 MiB, 53% of its weights) tiled at 4 MiB streams through an arena smaller than
     * its largest layer, the paper's floor, with the outputs of the untiled network fully resident (within the
     * bound OpenBLAS's shape-dependent sums allow).
     */
    @Test
    void yolov3TinyRunsInAnArenaSmallerThanItsLargestLayer() throws IOException {
        Path cfg = TestRepo.root().resolveSibling("shared").resolve("paper-models/yolov3-tiny.cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        PackFile whole = pack(ModelImporter.importDarknet(cfg, null, 3), "whole");
        PackFile tiled = pack(ModelImporter.importDarknet(cfg, null, 3, 4L << 20), "tiled");
        long largest = whole.model().largestLayerBytes();
        long min = minimum(tiled);
        System.out.printf("yolov3-tiny: largest layer %d bytes; tiled at 4 MiB: minimum arena %d bytes (untiled minimum %d)%n", largest, min, minimum(whole));
        assertTrue(min < largest, "minimum arena " + min + " must be below the largest layer " + largest);
        Map<String, float[]> in = Map.of("input", input(3 * 416 * 416, 8));
        FrameResult a = run(whole, 0, ResidencyMode.ALL, in), b;
        try (Session s = Session.open(List.of(tiled), Session.Options.of(min, ResidencyMode.NONE), new CpuBackend())) {
            b = s.run(List.of(in));
            assertTrue(b.stats().peakBytes() <= min);
        }
        for (String o : whole.model().outputs()) {
            double rel = dev.demandlayering.Outputs.relativeL2(a.outputs().get(0).get(o), b.outputs().get(0).get(o));
            assertTrue(rel <= TILED_BOUND, o + ": relative L2 " + rel);
        }
    }

    @Test
    void badTileSizesAreNamed() {
        Path cfg = TestRepo.root().resolve("node/src/test/resources/darknet/small-classifier.cfg");
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> ModelImporter.importDarknet(cfg, null, 1, 0L));
        assertEquals(cfg + ": the tile size must be a positive number of bytes, got 0", zero.getMessage());
        ModelImportException tooSmall = assertThrows(ModelImportException.class, () -> ModelImporter.importDarknet(cfg, null, 1, 64L));
        assertTrue(tooSmall.getMessage().contains("one output channel's weights (") && tooSmall.getMessage().contains("exceed the tile size of 64 bytes"),
                tooSmall.getMessage());
    }
}
