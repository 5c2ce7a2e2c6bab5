package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.demandlayering.Outputs;
import dev.demandlayering.ShippedModel;
import dev.demandlayering.TestRepo;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.onnx.OnnxModelWriter;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backend against ONNX Runtime (its default CPU provider, an independent implementation) on the very
 * ONNX file dlayer exports: every shipped model on the real photo, and the paper's small detectors with seeded
 * random weights, streamed through the minimum arena, within 1e-5 relative L2 of ONNX Runtime per output; and
 * streamed bit-identical to fully resident.
 */
class OnnxRuntimeOracleTest {
    static final double BOUND = 1e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void shippedModelsMatchOnnxRuntimeOnARealImage(String name) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        Graph g = ModelImporter.normalize(ModelImporter.read(model.modelFile()), model.modelFile().toString());
        compare(name, g, model.feeds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov3-tiny", "yolov4-tiny"})
    void paperDetectorsMatchOnnxRuntime(String net) throws Exception {
        Path cfg = TestRepo.root().resolveSibling("shared").resolve("paper-models/" + net + ".cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        darknet(net, cfg);
    }

    /** Every layer kind the YOLO cfgs use, Mish among them (exported as opset 18, where ONNX defines it). */
    @org.junit.jupiter.api.Test
    void theSmallDetectorWithMishMatchesOnnxRuntime() throws Exception {
        darknet("small-detector", TestRepo.root().resolve("node/src/test/resources/darknet/small-detector.cfg"));
    }

    private void darknet(String net, Path cfg) throws Exception {
        Graph g = ModelImporter.normalize(ModelImporter.darknetGraph(cfg, null, 7), cfg.toString());
        Map.Entry<String, int[]> in = g.inputs().entrySet().iterator().next();
        float[] x = new float[Arrays.stream(in.getValue()).reduce(1, (a, b) -> a * b)];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        compare(net, g, Map.of(in.getKey(), x));
    }

    private void compare(String name, Graph g, Map<String, float[]> feeds) throws Exception {
        Path onnx = tmp.resolve(name + ".onnx");
        OnnxModelWriter.write(g, onnx);
        Map<String, float[]> ort = onnxRuntime(onnx, feeds, g.inputs());
        Path packFile = tmp.resolve(name + "-oracle.dlp");
        PackWriter.write(ModelImporter.importModel(onnx), packFile, false);
        PackFile pack = PackFile.open(packFile);
        FrameResult streamed, resident;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.NONE), new CpuBackend())) {
            streamed = s.run(List.of(feeds));
            assertEquals(pack.model().totalWeightBytes(), streamed.stats().bytesRead(), "every layer streamed");
        }
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            resident = s.run(List.of(feeds));
        }
        assertEquals(ort.keySet(), streamed.outputs().get(0).keySet(), name + ": output names");
        for (String o : ort.keySet()) {
            float[] got = streamed.outputs().get(0).get(o);
            assertArrayEquals(resident.outputs().get(0).get(o), got, name + " " + o + ": streamed vs fully resident");
            double rel = Outputs.relativeL2(ort.get(o), got);
            System.out.printf("%s %s: relative L2 vs ONNX Runtime %.3g%n", name, o, rel);
            assertTrue(rel <= BOUND, name + " " + o + ": relative L2 " + rel + " vs ONNX Runtime, bound " + BOUND);
        }
    }

    private static Map<String, float[]> onnxRuntime(Path onnx, Map<String, float[]> feeds, Map<String, int[]> shapes) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, float[]> out = new HashMap<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx.toString(), opts)) {
                Map<String, OnnxTensor> in = new HashMap<>();
                try {
                    for (Map.Entry<String, float[]> e : feeds.entrySet()) {
                        long[] shape = Arrays.stream(shapes.get(e.getKey())).asLongStream().toArray();
                        in.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shape));
                    }
                    try (OrtSession.Result r = session.run(in)) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] f = new float[fb.remaining()];
                            fb.get(f);
                            out.put(e.getKey(), f);
                        }
                    }
                } finally {
                    for (OnnxTensor t : in.values()) t.close();
                }
            }
        }
        return out;
    }
}
