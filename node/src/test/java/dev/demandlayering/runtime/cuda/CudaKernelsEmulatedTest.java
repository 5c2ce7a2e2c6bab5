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
        long min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), emulated)) {
            gpu = s.run(List.of(feeds));
        }
        for (String out : pack.model().outputs()) {
            double rel = CudaBackendTest.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
            System.out.printf("%s %s: CUDA kernels (emulated) vs CPU, relative L2 %.3g%n", name, out, rel);
            assertTrue(rel < 1e-4, name + " output " + out + ": relative L2 " + rel);
        }
    }
}
