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
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Darknet cfg/weights import: the paper's networks' sizes, equality with OpenCV's Darknet reader, and bad inputs. */
class DarknetImportTest {
    static final Path PAPER = TestRepo.root().resolveSibling("shared").resolve("paper-models");
    static final Path RES = TestRepo.root().resolve("node/src/test/resources/darknet");

    @TempDir
    Path tmp;

    /** The weights and largest layer (fp32, batch norm folded) that ../shared/paper-models/README.md states. */
    @ParameterizedTest
    @CsvSource({"alexnet, 238.0, 144.0", "vgg-16, 647.8, 512.0", "resnet152, 218.8, 9.0", "densenet201, 65.4, 5.9", "yolov2, 194.4, 45.0",
            "yolov3, 236.2, 18.0", "yolov3-tiny, 33.8, 18.0", "yolov4, 245.4, 18.0", "yolov4-csp, 201.8, 18.0", "yolov4-p6, 486.4, 36.0"})
    void paperNetworksHaveTheirKnownSizes(String net, double totalMiB, double largestMiB) throws IOException {
        Path cfg = PAPER.resolve(net + ".cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        long[] counts = DarknetImporter.layerWeightCounts(DarknetCfg.read(cfg));
        long total = 0, largest = 0;
        for (long c : counts) {
            total += 4 * c;
            largest = Math.max(largest, 4 * c);
        }
        System.out.printf(Locale.ROOT, "%s: %d layers, %.1f MiB of weights, largest layer %.1f MiB%n", net, counts.length, total / 1048576.0, largest / 1048576.0);
        assertEquals(totalMiB, total / 1048576.0, 0.051, net + " weights");
        assertEquals(largestMiB, largest / 1048576.0, 0.051, net + " largest layer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov4-tiny", "yolov7"})
    void otherPaperNetworksImport(String net) throws IOException {
        Path cfg = PAPER.resolve(net + ".cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        long[] counts = DarknetImporter.layerWeightCounts(DarknetCfg.read(cfg));
        assertTrue(counts.length > 30, net + ": " + counts.length + " layers");
    }

    /** YOLOv4-tiny with random weights, packed, streamed through its minimum arena: the same outputs as resident, bit for bit. */
    @Test
    void yolov4TinyPacksAndStreams() throws IOException {
        Path cfg = PAPER.resolve("yolov4-tiny.cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        LayerBuilder.Result r = ModelImporter.importDarknet(cfg, null, 7);
        assertEquals(2, r.model().outputs().size(), "two [yolo] heads");
        Path pack = tmp.resolve("yolov4-tiny.dlp");
        PackWriter.write(r, pack, false);
        PackFile p = PackFile.open(pack);
        long expected = 0;
        for (long c : DarknetImporter.layerWeightCounts(DarknetCfg.read(cfg))) expected += 4 * c;
        assertEquals(expected, p.model().totalWeightBytes(), "pack weights == cfg accounting");
        float[] x = new float[3 * 416 * 416];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        Map<String, float[]> in = Map.of("input", x);
        long min = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        FrameResult all, streamed;
        try (Session s = Session.open(List.of(p), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            all = s.run(List.of(in));
        }
        try (Session s = Session.open(List.of(p), Session.Options.of(min, ResidencyMode.NONE), new CpuBackend())) {
            streamed = s.run(List.of(in));
        }
        for (String o : p.model().outputs()) assertArrayEquals(all.outputs().get(0).get(o), streamed.outputs().get(0).get(o), o);
    }

    /** Writes a .weights file (version 0.2 header) of seeded random parameters for {@code cfg}: as many as the cfg needs. */
    static Path writeWeights(Path cfg, Path out, long seed) throws IOException {
        // the parameter count in file order: what the importer asks a counting source for
        int[] n = {0};
        DarknetImporter.toGraph(DarknetCfg.read(cfg), (k, what) -> {
            n[0] += k;
            return new float[k];
        });
        ByteBuffer b = ByteBuffer.allocate(20 + 4 * n[0]).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).putInt(2).putInt(0).putLong(0);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n[0]; i++) b.putFloat((float) (r.nextDouble() * 0.6 - 0.3));
        Files.write(out, b.array());
        return out;
    }

    /** The same cfg and .weights through our importer and through OpenCV's Darknet reader give the same outputs. */
    @ParameterizedTest
    @CsvSource({"small-detector, small-detector", "small-classifier, small-classifier", "small-resnet, small-resnet"})
    void matchesOpenCvsDarknetReader(String name, String oracleCfg) throws Exception {
        Path cfg = RES.resolve(name + ".cfg");
        Path weights = writeWeights(cfg, tmp.resolve(name + ".weights"), 3);
        // batch-norm variances must be positive: re-derive them from the file would be Darknet's job; here the
        // random values are in ±0.3, so use |v| + 0.5 for every variance by rewriting through the importer's order
        weights = positiveVariances(cfg, weights);
        LayerBuilder.Result r = ModelImporter.importDarknet(cfg, weights, 0);
        Path pack = tmp.resolve(name + ".dlp");
        PackWriter.write(r, pack, false);
        PackFile p = PackFile.open(pack);
        int[] shape = p.model().inputs().get("input");
        float[] x = new float[shape[1] * shape[2] * shape[3]];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        FrameResult ours;
        long min = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        try (Session s = Session.open(List.of(p), Session.Options.of(min, ResidencyMode.NONE), new CpuBackend())) {
            ours = s.run(List.of(Map.of("input", x)));
        }
        Path in = tmp.resolve("in.npy"), out = tmp.resolve("out.npy");
        Npy.write(in, shape, x);
        Process proc = new ProcessBuilder("/usr/bin/python3", TestRepo.root().resolve("tools/darknet-oracle.py").toString(),
                RES.resolve(oracleCfg + ".cfg").toString(), weights.toString(),
                in.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "oracle timed out");
        Assumptions.assumeTrue(proc.exitValue() == 0 || !log.contains("No module named"), "python3-opencv not installed");
        assertEquals(0, proc.exitValue(), log);
        float[] ref = Npy.read(out).data();
        float[] got = ours.outputs().get(0).get(p.model().outputs().get(0));
        assertEquals(ref.length, got.length, "output size");
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (ref[i] - got[i]) * (double) (ref[i] - got[i]);
            den += ref[i] * (double) ref[i];
        }
        double rel = Math.sqrt(num / den);
        System.out.printf(Locale.ROOT, "%s: relative L2 vs OpenCV's Darknet reader %.3g%n", name, rel);
        assertTrue(rel < 1e-4, name + ": relative L2 vs OpenCV " + rel);
    }

    /**
     * A shortcut from a layer twice the size (resnet152.cfg) samples it at every 2nd pixel from the top left, as
     * a 1x1 max pool with stride 2 does (whose Darknet padding the OpenCV comparisons cover); OpenCV 4.6 cannot
     * run either form, so the two forms are compared here, with the same parameters.
     */
    @Test
    void stridedShortcutSamplesLikeAStridedOneByOnePool() throws Exception {
        Path cfg = RES.resolve("strided-shortcut.cfg"), pool = RES.resolve("strided-shortcut-as-pool.cfg");
        Path weights = positiveVariances(cfg, writeWeights(cfg, tmp.resolve("s.weights"), 9));
        float[] x = new float[3 * 16 * 16];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        float[][] outs = new float[2][];
        int k = 0;
        for (Path c : List.of(cfg, pool)) {
            LayerBuilder.Result r = ModelImporter.importDarknet(c, weights, 0);
            Path pack = tmp.resolve(k + ".dlp");
            PackWriter.write(r, pack, false);
            PackFile p = PackFile.open(pack);
            try (Session s = Session.open(List.of(p), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
                outs[k++] = s.run(List.of(Map.of("input", x))).outputs().get(0).get(p.model().outputs().get(0));
            }
        }
        assertArrayEquals(outs[1], outs[0]);
    }

    /** Rewrites the weights so that every batch-norm variance is positive (|v| + 0.5), keeping the file layout. */
    static Path positiveVariances(Path cfg, Path weights) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(weights)).order(ByteOrder.LITTLE_ENDIAN);
        int[] at = {20};
        DarknetImporter.toGraph(DarknetCfg.read(cfg), new WeightSource() {
            @Override
            public float[] next(int k, String what) {
                if (what.endsWith("variances")) {
                    for (int i = 0; i < k; i++) b.putFloat(at[0] + 4 * i, Math.abs(b.getFloat(at[0] + 4 * i)) + 0.5f);
                }
                at[0] += 4 * k;
                return new float[k];
            }
        });
        Files.write(weights, b.array());
        return weights;
    }

    @Test
    void badCfgsAndWeightsNameThePlace() throws IOException {
        Path unknownSection = Files.writeString(tmp.resolve("a.cfg"), "[net]\nwidth=8\nheight=8\nchannels=3\n\n[lstm]\noutput=4\n");
        ModelImportException s = assertThrows(ModelImportException.class, () -> DarknetCfg.read(unknownSection));
        assertTrue(s.getMessage().startsWith(unknownSection + ":6: unknown section [lstm]; supported: net, convolutional"), s.getMessage());

        Path unknownOption = Files.writeString(tmp.resolve("b.cfg"), "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=4\nsize=3\nflters=2\n");
        ModelImportException o = assertThrows(ModelImportException.class, () -> DarknetCfg.read(unknownOption));
        assertTrue(o.getMessage().startsWith(unknownOption + ":8: unknown option 'flters' in [convolutional]; known: "), o.getMessage());

        Path cfg = RES.resolve("small-classifier.cfg");
        Path full = writeWeights(cfg, tmp.resolve("full.weights"), 1);
        byte[] bytes = Files.readAllBytes(full);
        Path shortFile = Files.write(tmp.resolve("short.weights"), java.util.Arrays.copyOf(bytes, bytes.length - 400));
        ModelImportException w = assertThrows(ModelImportException.class, () -> ModelImporter.importDarknet(cfg, shortFile, 0));
        assertTrue(w.getMessage().contains("short.weights: ends at byte " + (bytes.length - 400)) && w.getMessage().contains("[connected] weights needs")
                && w.getMessage().contains("the weights do not match the cfg"), w.getMessage());
        Path longFile = Files.write(tmp.resolve("long.weights"), java.util.Arrays.copyOf(bytes, bytes.length + 8));
        ModelImportException l = assertThrows(ModelImportException.class, () -> ModelImporter.importDarknet(cfg, longFile, 0));
        assertTrue(l.getMessage().contains("8 bytes left after the last layer"), l.getMessage());

        Path badRef = Files.writeString(tmp.resolve("c.cfg"), "[net]\nwidth=8\nheight=8\nchannels=3\n[route]\nlayers=-3\n");
        ModelImportException ref = assertThrows(ModelImportException.class, () -> DarknetImporter.layerWeightCounts(DarknetCfg.read(badRef)));
        assertTrue(ref.getMessage().contains("c.cfg:5 [route]: layer reference -3 from layer 0 points to no earlier layer"), ref.getMessage());
    }
}
