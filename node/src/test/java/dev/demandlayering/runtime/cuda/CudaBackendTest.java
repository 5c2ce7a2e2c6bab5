package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.Outputs;
import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA backend against the CPU backend on every shipped model, fully resident and streamed through the
 * minimum arena, with the device memory the run really used (cudaMemGetInfo) held to the arena. Skips, saying
 * why, where no CUDA device is usable (CI, most machines).
 */
class CudaBackendTest {
    /** With DLAYER_REQUIRE_CUDA=1 (gpu-check.sh on a GPU host) a missing device fails the tests instead of skipping them. */
    @BeforeEach
    void needsADevice() {
        CudaDevice d = CudaDevice.probe();
        if (!d.available() && "1".equals(System.getenv("DLAYER_REQUIRE_CUDA"))) throw new AssertionError("DLAYER_REQUIRE_CUDA=1 but no usable GPU: " + d.reason());
        Assumptions.assumeTrue(d.available(), "no CUDA device: " + d.reason());
        System.out.println("CUDA test device: " + d.reason());
    }

    /**
     * Device memory the first frame takes outside the arena (CUDA's lazily loaded kernel modules, cuBLAS's kernels
     * on first use) is not the arena's: one warm-up frame in the same configuration loads them before the free memory
     * the measured run starts from is read.
     */
    private static void warmUp(PackFile pack, Session.Options o, CudaBackend gpu, Map<String, float[]> feeds) throws Exception {
        try (Session s = Session.open(List.of(pack), o, gpu)) {
            s.run(List.of(feeds));
        }
    }

    @TempDir
    Path tmp;

    /** gpu-check.sh --smoke: the whole GPU path once (libraries, NVRTC, cuBLAS, events, memory), on the largest model. */
    @org.junit.jupiter.api.Test
    void smokeNanodetResidentAndStreamedMatchesTheCpu() throws Exception {
        outputsMatchTheCpuBackendResidentAndStreamedWithinTheArena("nanodet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void outputsMatchTheCpuBackendResidentAndStreamedWithinTheArena(String name) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        PackFile pack = model.pack();
        Map<String, float[]> feeds = model.feeds();
        FrameResult cpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        try (CudaBackend gpu = CudaBackend.open()) {
            long min = Session.sizing(List.of(pack.model()), gpu, ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
            for (Session.Options o : List.of(Session.Options.of(0, ResidencyMode.ALL), Session.Options.of(min, ResidencyMode.NONE))) {
                warmUp(pack, o, gpu, feeds);
                long freeBefore = CudaDevice.memInfo()[0];
                long lowest = freeBefore;
                FrameResult r = null;
                try (Session s = Session.open(List.of(pack), o, gpu)) {
                    for (int i = 0; i < 3; i++) {
                        r = s.run(List.of(feeds));
                        lowest = Math.min(lowest, CudaDevice.memInfo()[0]);
                    }
                    long used = freeBefore - lowest;
                    long arena = s.plan().arenaBytes();
                    System.out.printf("%s %s: arena %d bytes (workspace %d), device memory used %d bytes, %.2f ms%n", name, o.mode(), arena,
                            s.plan().workspaceBytes(), used, r.stats().latencyMs());
                    // per-layer compute times come from CUDA events: each one real, together within the frame
                    double layers = 0;
                    for (LayerStats l : r.stats().layers()) {
                        assertTrue(l.computeMs() >= 0 && !Double.isNaN(l.computeMs()), name + " layer " + l.layer() + " compute " + l.computeMs());
                        layers += l.computeMs();
                    }
                    assertTrue(layers > 0 && layers <= r.stats().latencyMs(), name + ": layers' compute " + layers + " ms vs frame "
                            + r.stats().latencyMs() + " ms");
                    // allowance: cudaMalloc rounds the arena up to its 2 MiB granularity (docs/gpu.md)
                    assertTrue(used <= arena + (2L << 20), name + " " + o.mode() + ": device memory used " + used + " > arena " + arena);
                }
                for (String out : pack.model().outputs()) {
                    double rel = Outputs.relativeL2(cpu.outputs().get(0).get(out), r.outputs().get(0).get(out));
                    System.out.printf("%s %s %s: relative L2 vs CPU %.3g%n", name, o.mode(), out, rel);
                    assertTrue(rel < 1e-3, name + " " + o.mode() + " output " + out + ": relative L2 vs CPU " + rel);
                }
            }
        }
    }

    /** Float16 weights streamed through the minimum float16 arena: GEMM convolutions on the tensor cores. */
    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "selfie", "meet"})
    void halfWeightsStreamedMatchTheCpuBackendWithinTheArena(String name) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        Path packFile = tmp.resolve(name + "-fp16.dlp");
        dev.demandlayering.runtime.ModelImporter.pack(model.modelFile(), packFile, true);
        PackFile pack = PackFile.open(packFile);
        Map<String, float[]> feeds = model.feeds();
        FrameResult cpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL).withWeights(WeightPrecision.FP16), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        try (CudaBackend gpu = CudaBackend.open()) {
            long min = Session.sizing(List.of(pack.model()), gpu, ResidencyMode.NONE, WeightPrecision.FP16).minimumBytes();
            warmUp(pack, Session.Options.of(min, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), gpu, feeds);
            long freeBefore = CudaDevice.memInfo()[0];
            long lowest = freeBefore;
            FrameResult r = null;
            try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), gpu)) {
                for (int i = 0; i < 3; i++) {
                    r = s.run(List.of(feeds));
                    lowest = Math.min(lowest, CudaDevice.memInfo()[0]);
                }
            }
            long used = freeBefore - lowest;
            System.out.printf("%s fp16 streamed: arena %d bytes, device memory used %d bytes, %.2f ms%n", name, min, used, r.stats().latencyMs());
            assertTrue(used <= min + (2L << 20), name + " fp16: device memory used " + used + " > arena " + min);
            for (String out : pack.model().outputs()) {
                double rel = Outputs.relativeL2(cpu.outputs().get(0).get(out), r.outputs().get(0).get(out));
                System.out.printf("%s fp16 %s: relative L2 vs CPU %.3g%n", name, out, rel);
                // the tensor-core GEMMs round their activation operand to float16 too
                assertTrue(rel < 5e-3, name + " fp16 output " + out + ": relative L2 vs CPU " + rel);
            }
        }
    }
}
