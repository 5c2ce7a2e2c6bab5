package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.Outputs;
import dev.demandlayering.ShippedModel;
import dev.demandlayering.TestRepo;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.Fp16;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        long min = Session.sizing(List.of(pack.model()), emulated, ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), emulated)) {
            gpu = s.run(List.of(feeds));
        }
        for (String out : pack.model().outputs()) {
            double rel = Outputs.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
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
        Map<String, float[]> feeds = randomInputs(pack);
        FrameResult cpu, gpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        long ws = emulated.workspaceBytes(List.of(pack.model()), WeightPrecision.FP32);
        assertTrue(ws > Cublas.WORKSPACE && ws <= Cublas.WORKSPACE + 4096, net + ": workspace " + ws);
        long min = Session.sizing(List.of(pack.model()), emulated, ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), emulated)) {
            gpu = s.run(List.of(feeds));
            assertTrue(gpu.stats().peakBytes() <= min, net + ": peak " + gpu.stats().peakBytes() + " > arena " + min);
        }
        for (String out : pack.model().outputs()) {
            double rel = Outputs.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
            System.out.printf("%s %s: tiled GEMM convolutions (emulated) vs CPU, relative L2 %.3g%n", net, out, rel);
            assertTrue(rel < 1e-4, net + " output " + out + ": relative L2 " + rel);
        }
    }

    /**
     * Float16 weights: GEMM convolutions read them as they are with float16 im2col tiles (cublasGemmEx on a GPU,
     * tensor cores), everything else widens them; against the CPU backend with the same float16 weights, on a
     * shipped model and on random weights, streamed through the minimum float16 arena.
     */
    @ParameterizedTest
    @ValueSource(strings = {"nanodet", "meet", "small-detector", "small-classifier"})
    void halfWeightsOnTheTensorCorePathMatchTheCpuBackend(String name) throws Exception {
        EmulatedCudaBackend emulated = new EmulatedCudaBackend(64 << 10);
        Path packFile = tmp.resolve(name + "-fp16.dlp");
        Map<String, float[]> feeds;
        if (!name.startsWith("small-")) {
            ShippedModel model = ShippedModel.load(name, tmp);
            ModelImporter.pack(model.modelFile(), packFile, true);
            feeds = model.feeds();
        } else {
            PackWriter.write(ModelImporter.importDarknet(TestRepo.root().resolve("node/src/test/resources/darknet/" + name + ".cfg"), null, 5),
                    packFile, true);
            feeds = null;
        }
        PackFile pack = PackFile.open(packFile);
        if (feeds == null) feeds = randomInputs(pack);
        FrameResult cpu, gpu;
        try (Session s = Session.open(List.of(pack), Session.Options.of(0, ResidencyMode.ALL).withWeights(WeightPrecision.FP16), new CpuBackend())) {
            cpu = s.run(List.of(feeds));
        }
        long min = Session.sizing(List.of(pack.model()), emulated, ResidencyMode.NONE, WeightPrecision.FP16).minimumBytes();
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), emulated)) {
            gpu = s.run(List.of(feeds));
            assertTrue(gpu.stats().peakBytes() <= min);
        }
        for (String out : pack.model().outputs()) {
            double rel = Outputs.relativeL2(cpu.outputs().get(0).get(out), gpu.outputs().get(0).get(out));
            System.out.printf("%s %s: float16 weights, tensor-core path (emulated) vs CPU, relative L2 %.3g%n", name, out, rel);
            // the GEMMs also round their activation operand to float16
            assertTrue(rel > 0 && rel < 5e-3, name + " output " + out + ": relative L2 " + rel);
        }
    }

    /** The kernels' float16 conversions equal the packer's, bit for bit: all 65536 halves widened, and rounding of floats. */
    @org.junit.jupiter.api.Test
    void halfConversionsMatchThePacker() {
        KernelLauncher k = KernelEmulator.launcher();
        int n = 65536;
        java.nio.ByteBuffer halves = java.nio.ByteBuffer.allocateDirect(2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) halves.putShort(2 * i, (short) i);
        k.launch("widen_half", n, new KernelArgs().ptr(address(halves)).ptr(address(floats)).i32(n));
        for (int i = 0; i < n; i++) {
            assertTrue(Float.floatToRawIntBits(Fp16.toFloat((short) i)) == floats.getInt(4 * i), "half 0x" + Integer.toHexString(i));
        }
        // floats over the whole range (normal, subnormal, overflowing, ties), rounded by im2col_h as a 1x1 window
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            float f = switch (i % 4) {
                case 0 -> Float.intBitsToFloat(r.nextInt());
                case 1 -> (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(-30, 20)));
                case 2 -> Fp16.toFloat((short) r.nextInt(65536)) + Math.ulp(Fp16.toFloat((short) r.nextInt(65536))) * (r.nextInt(3) - 1);
                default -> Float.intBitsToFloat((r.nextInt() & 0xffffe000) | 0x1000); // a tie between two halves
            };
            floats.putFloat(4 * i, f);
        }
        k.launch("im2col_h", n, new KernelArgs().ptr(address(floats)).ptr(address(halves)).i32(1).i32(n).i32(1).i32(1).i32(n).i32(1).i32(1).i32(1)
                .i32(1).i32(0).i32(0).i32(1).i32(0).i32(n));
        for (int i = 0; i < n; i++) {
            float f = floats.getFloat(4 * i);
            assertTrue(Fp16.fromFloat(f) == halves.getShort(2 * i), "float " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")");
        }
    }

    /** Seeded uniform [0, 1) values for every input of the pack's model. */
    static Map<String, float[]> randomInputs(PackFile pack) {
        Map<String, float[]> feeds = new java.util.HashMap<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        pack.model().inputs().forEach((k, shape) -> {
            float[] x = new float[(int) dev.demandlayering.runtime.graph.Shapes.size(shape)];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            feeds.put(k, x);
        });
        return feeds;
    }

    private static long address(java.nio.ByteBuffer b) {
        return new org.bytedeco.javacpp.Pointer(b).address();
    }
}
