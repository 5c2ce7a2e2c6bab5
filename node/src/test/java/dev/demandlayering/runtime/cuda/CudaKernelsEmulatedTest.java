package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.TestRepo;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA backend's kernels and their arguments, run on the CPU through the kernel emulator, give the CPU
 * backend's outputs on every shipped model, streamed through the minimum arena. What this cannot check (the
 * CUDA runtime: streams, events, copies, NVRTC) is CudaBackendTest's, on a GPU.
 */
class CudaKernelsEmulatedTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void shippedModelsMatchTheCpuBackend(String name) throws Exception {
        EmulatedCudaBackend emulated = new EmulatedCudaBackend();
        ShippedModel model = ShippedModel.load(name, tmp);
        PackFile pack = model.pack();
        Map<String, float[]> feeds = model.feeds();
        FrameResult cpu, gpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        long min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)
                .withWorkspace(emulated.workspaceBytes(List.of(pack.model())))).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), emulated)) {
            gpu = s.run(List.of(feeds));
        }
        for (String out : pack.model().outputs()) {
            double rel = CudaBackendTest.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
            System.out.printf("%s %s: CUDA kernels (emulated) vs CPU, relative L2 %.3g%n", name, out, rel);
            assertTrue(rel < 1e-4, name + " output " + out + ": relative L2 " + rel);
        }
    }

    /**
     * Convolutions of every geometry the small Darknet networks have (strided, grouped with enough channels for
     * the GEMM path, 1x1 pointwise, biases after batch-norm folding), with im2col tiles capped at 4 KiB so every
     * convolution runs in many tiles: the CPU backend's outputs, and the workspace the plan gave is all it used.
     */
    @ParameterizedTest
    @ValueSource(strings = {"small-detector", "small-classifier", "small-resnet"})
    void convolutionsAsTiledGemmsMatchTheCpuBackend(String net) throws Exception {
        EmulatedCudaBackend emulated = new EmulatedCudaBackend(4096);
        Path cfg = TestRepo.root().resolve("node/src/test/resources/darknet/" + net + ".cfg");
        Path packFile = tmp.resolve(net + ".dlp");
        PackWriter.write(ModelImporter.importDarknet(cfg, null, 11), packFile, false);
        PackFile pack = PackFile.open(packFile);
        Map<String, float[]> feeds = new java.util.HashMap<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        pack.model().inputs().forEach((k, shape) -> {
            float[] x = new float[(int) dev.demandlayering.runtime.graph.Shapes.size(shape)];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            feeds.put(k, x);
        });
        FrameResult cpu, gpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        long ws = emulated.workspaceBytes(List.of(pack.model()));
        assertTrue(ws > Cublas.WORKSPACE && ws <= Cublas.WORKSPACE + 4096, net + ": workspace " + ws);
        long min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE).withWorkspace(ws)).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), emulated)) {
            gpu = s.run(List.of(feeds));
            assertTrue(gpu.stats().peakBytes() <= min, net + ": peak " + gpu.stats().peakBytes() + " > arena " + min);
        }
        for (String out : pack.model().outputs()) {
            double rel = CudaBackendTest.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
            System.out.printf("%s %s: tiled GEMM convolutions (emulated) vs CPU, relative L2 %.3g%n", net, out, rel);
            assertTrue(rel < 1e-4, net + " output " + out + ": relative L2 " + rel);
        }
    }
}
