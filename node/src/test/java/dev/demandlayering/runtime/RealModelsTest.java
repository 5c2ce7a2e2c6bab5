package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.Outputs;
import dev.demandlayering.ShippedModel;
import dev.demandlayering.TestRepo;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped real models (NanoDet detector, Selfie segmenter; TF.js graph models from npm) on a real photo:
 * streamed == fully resident bit for bit, and both match TensorFlow.js itself (an independent
 * implementation, run with node) within 1e-4 relative L2.
 */
class RealModelsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void streamedEqualsResidentAndMatchesTensorFlowJs(String name) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        ModelManifest m = model.manifest();
        Path modelFile = model.modelFile();
        PackFile pack = model.pack();
        Map<String, float[]> feeds = model.feeds();
        float[] input = feeds.get(m.inputName());
        FrameResult all = Pipelines.run(pack, Session.Options.of(0, ResidencyMode.ALL), feeds);
        long min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        FrameResult streamed = Pipelines.run(pack, Session.Options.of(min, ResidencyMode.NONE), feeds);
        assertTrue(streamed.stats().peakBytes() <= min);
        assertTrue(min < pack.model().totalWeightBytes() + streamed.stats().peakBytes());
        for (String o : pack.model().outputs()) assertArrayEquals(all.outputs().get(0).get(o), streamed.outputs().get(0).get(o), o);

        Path oracle = TestRepo.root().resolve("tools/tfjs-oracle");
        Assumptions.assumeTrue(Files.isDirectory(oracle.resolve("node_modules/@tensorflow/tfjs")),
                "TensorFlow.js oracle not installed: (cd tools/tfjs-oracle && npm ci)");
        Path in = tmp.resolve("in.npy");
        Npy.write(in, m.inputShape(), input);
        Path outDir = tmp.resolve("tfjs");
        Process p = new ProcessBuilder("node", oracle.resolve("run.js").toString(), modelFile.toString(), in.toString(), outDir.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "tfjs oracle timed out");
        assertEquals(0, p.exitValue(), log);
        for (String o : pack.model().outputs()) {
            float[] ref = Npy.read(outDir.resolve(o + ".npy")).data();
            double rel = Outputs.relativeL2(ref, all.outputs().get(0).get(o));
            System.out.printf("%s %s: relative L2 vs TensorFlow.js %.3g%n", name, o, rel);
            assertTrue(rel < 1e-4, name + " output " + o + " differs from TensorFlow.js: relative L2 " + rel);
        }
    }
}
