package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.Outputs;
import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Float16 weights (the packs' fp16 blobs) on the CPU backend: half the weight bytes in the arena and read from
 * the disk, counted exactly; streamed equals resident bit for bit. The shipped models were published with
 * float16-quantized weights, so for them float16 loses nothing; random float32 weights move the outputs a little.
 */
class HalfWeightsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void halfTheWeightBytesAndOutputsCloseToFloat32(String name) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        Path packFile = tmp.resolve(name + "-fp16.dlp");
        ModelImporter.pack(model.modelFile(), packFile, true);
        PackFile pack = PackFile.open(packFile);
        Map<String, float[]> feeds = model.feeds();
        List<Layer> layers = pack.model().layers();
        CpuBackend cpu = new CpuBackend();

        FrameResult fp32 = Pipelines.run(pack, Session.Options.of(0, ResidencyMode.ALL), feeds);
        ArenaPlan min = Session.sizing(List.of(pack.model()), cpu, ResidencyMode.NONE, WeightPrecision.FP16);
        long halfBlobs = layers.stream().mapToLong(l -> l.weightBytes() / 2).sum();
        long largestSlot = layers.stream().mapToLong(l -> ArenaPlanner.slotBytes(l, WeightPrecision.FP16)).max().orElseThrow();
        // the arena at the minimum: activations, the widening workspace, one float16 slot
        assertEquals(min.activationBytes() + min.workspaceBytes() + largestSlot, min.minimumBytes());
        // convolutions read float16 directly, so only small weights (biases, depthwise kernels) need widening room:
        // where a large convolution sets the minimum (NanoDet) it drops; tiny models' 4 KiB slots cannot halve
        long fp32Minimum = Session.sizing(List.of(pack.model()), cpu, ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
        System.out.printf("%s: minimum arena %d bytes with float16 weights (workspace %d), %d with float32%n", name, min.minimumBytes(),
                min.workspaceBytes(), fp32Minimum);
        if (name.equals("nanodet")) assertTrue(min.minimumBytes() < fp32Minimum, name + ": " + min.minimumBytes() + " >= " + fp32Minimum);
        FrameResult streamed, resident;
        try (Session s = Session.open(List.of(pack), Session.Options.of(min.minimumBytes(), ResidencyMode.NONE).withWeights(WeightPrecision.FP16), cpu)) {
            streamed = s.run(List.of(feeds));
            streamed = s.run(List.of(feeds));
        }
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL).withWeights(WeightPrecision.FP16), cpu)) {
            resident = s.run(List.of(feeds));
            assertEquals(halfBlobs, resident.stats().modelWeightBytes());
            assertEquals(layers.stream().mapToLong(l -> ArenaPlanner.slotBytes(l, WeightPrecision.FP16)).sum(), resident.stats().residentWeightBytes());
        }
        assertEquals(halfBlobs, streamed.stats().bytesRead(), "a streamed frame reads every float16 blob once");
        assertEquals(halfBlobs, streamed.stats().streamedWeightBytes());
        assertTrue(streamed.stats().peakBytes() <= min.minimumBytes());
        for (String o : pack.model().outputs()) {
            assertArrayEquals(resident.outputs().get(0).get(o), streamed.outputs().get(0).get(o), o + ": streamed vs resident, float16 weights");
            // the shipped weights are float16 values already: the same products, summed in OpenBLAS's blocks of
            // float16 rows widened a block at a time instead of all rows at once
            double rel = Outputs.relativeL2(fp32.outputs().get(0).get(o), streamed.outputs().get(0).get(o));
            assertTrue(rel <= 1e-6, o + ": float16 vs float32 weights, relative L2 " + rel);
        }
    }

    /** Convolutions (grouped, strided, pointwise) and a connected layer reading float16 weights directly. */
    @ParameterizedTest
    @ValueSource(strings = {"small-detector", "small-classifier"})
    void randomFloat32WeightsMoveTheOutputsALittle(String net) throws Exception {
        Path cfg = dev.demandlayering.TestRepo.root().resolve("node/src/test/resources/darknet/" + net + ".cfg");
        Path packFile = tmp.resolve(net + ".dlp");
        dev.demandlayering.runtime.pack.PackWriter.write(ModelImporter.importDarknet(cfg, null, 5), packFile, true);
        PackFile pack = PackFile.open(packFile);
        int[] shape = pack.model().inputs().values().iterator().next();
        float[] x = new float[(int) dev.demandlayering.runtime.graph.Shapes.size(shape)];
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        Map<String, float[]> feeds = Map.of(pack.model().inputs().keySet().iterator().next(), x);
        FrameResult fp32 = Pipelines.run(pack, Session.Options.of(0, ResidencyMode.NONE), feeds);
        FrameResult fp16 = Pipelines.run(pack, Session.Options.of(0, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), feeds);
        for (String o : pack.model().outputs()) {
            double rel = Outputs.relativeL2(fp32.outputs().get(0).get(o), fp16.outputs().get(0).get(o));
            System.out.printf("%s %s: float16 weights vs float32, relative L2 %.3g%n", net, o, rel);
            assertTrue(rel > 0 && rel < 1e-2, o + ": relative L2 " + rel);
        }
    }

    @Test
    void aPackWithoutFloat16BlobsIsRefusedSayingHowToMakeOne() throws Exception {
        ShippedModel model = ShippedModel.load("selfie", tmp);
        PackFormatException e = assertThrows(PackFormatException.class, () -> Session.open(List.of(model.pack()),
                Session.Options.of(0, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), new CpuBackend()));
        assertTrue(e.getMessage().contains(model.pack().path().toString()) && e.getMessage().contains("dlayer pack --fp16"), e.getMessage());
    }
}
