package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.Outputs;
import dev.demandlayering.TestRepo;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.onnx.OnnxModelReader;
import dev.demandlayering.runtime.onnx.OnnxModelWriter;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real models written as ONNX: our ONNX importer reads them back to the same outputs, and OpenCV's DNN
 * module (an independent ONNX implementation) computes the same outputs from the same file, on a real photo,
 * within 1e-4 relative L2 of our streamed run.
 */
class OnnxExportTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void exportedModelMatchesOurRuntimeAndOpenCv(String name) throws Exception {
        ModelCatalog cat = TestRepo.catalog();
        ModelManifest m = cat.manifest(name);
        Path modelFile = TestRepo.cache().resolve("models").resolve(m.file());
        Assumptions.assumeTrue(Files.exists(modelFile) && Files.exists(cat.data("messi5.jpg")), "models not fetched: run models/fetch.sh");
        float[] input = Preprocessor.toTensor(Preprocessor.load(cat.data("messi5.jpg")), m.inputShape(), m.preprocessing());
        Map<String, float[]> feeds = Map.of(m.inputName(), input);

        Graph normalized = ModelImporter.normalize(ModelImporter.read(modelFile), name);
        Path onnx = tmp.resolve(name + ".onnx");
        OnnxModelWriter.write(normalized, onnx);
        Path a = Files.createDirectories(tmp.resolve("a"));
        FrameResult fromTfjs = Pipelines.run(Pipelines.pack(ModelImporter.read(modelFile), a), Session.Options.of(0, ResidencyMode.NONE), feeds);
        Graph reread = OnnxModelReader.read(onnx);
        Path b = Files.createDirectories(tmp.resolve("b"));
        FrameResult fromOnnx = Pipelines.run(Pipelines.pack(reread, b), Session.Options.of(0, ResidencyMode.NONE), feeds);
        for (String o : normalized.outputs()) {
            double rel = Outputs.relativeL2(fromTfjs.outputs().get(0).get(o), fromOnnx.outputs().get(0).get(o));
            assertTrue(rel < 1e-6, name + " " + o + ": ONNX round trip differs by " + rel);
        }

        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import cv2, onnx").start().waitFor() == 0,
                "OpenCV oracle needs Debian python3-opencv and python3-onnx");
        Path in = tmp.resolve("in.npy");
        Npy.write(in, m.inputShape(), input);
        Path script = cat.home().resolve("tools/opencv-oracle.py");
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), onnx.toString(), in.toString(), tmp.resolve("cv").toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        for (String o : normalized.outputs()) {
            float[] ref = Npy.read(tmp.resolve("cv").resolve(o.replace('/', '_') + ".npy")).data();
            double rel = Outputs.relativeL2(ref, fromOnnx.outputs().get(0).get(o));
            System.out.printf("%s %s: relative L2 vs OpenCV DNN %.3g%n", name, o, rel);
            assertTrue(rel < 1e-4, name + " " + o + " differs from OpenCV: " + rel);
        }
    }
}
