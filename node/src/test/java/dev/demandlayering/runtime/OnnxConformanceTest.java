package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.cuda.EmulatedCudaBackend;
import dev.demandlayering.runtime.exec.Backend;
import java.util.function.Supplier;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.DataType;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.onnx.OnnxModelReader;
import dev.demandlayering.runtime.onnx.TensorProtos;
import dev.demandlayering.runtime.ops.OpSupport;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX's own operator conformance cases (Debian libonnx-testdata: node/, pytorch-converted/, pytorch-operator/):
 * every case whose operators are all
 * supported runs through import, pack, plan and the streaming engine, and must match the expected outputs.
 * Cases that use a variant we do not support must be refused at import with a clear error instead; they
 * are listed in {@link #REFUSED} with the reason.
 */
class OnnxConformanceTest {
    static final Path ROOT = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data/node"));

    /** Case name prefix -> why the runtime refuses it (asserted to fail at import, never silently skipped). */
    static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("test_averagepool_3d", "3-D pooling"),
            Map.entry("test_maxpool_3d", "3-D pooling"),
            Map.entry("test_convtranspose_3d", "3-D convolution"),
            Map.entry("test_convtranspose_1d", "1-D convolution"),
            Map.entry("test_maxpool_with_argmax", "MaxPool Indices output"),
            Map.entry("test_batchnorm_epsilon_training_mode", "training-mode BatchNormalization"),
            Map.entry("test_batchnorm_example_training_mode", "training-mode BatchNormalization"),
            Map.entry("test_resize_downsample_scales_cubic", "cubic Resize"),
            Map.entry("test_resize_downsample_sizes_cubic", "cubic Resize"),
            Map.entry("test_resize_upsample_scales_cubic", "cubic Resize"),
            Map.entry("test_resize_upsample_sizes_cubic", "cubic Resize"),
            Map.entry("test_resize_tf_crop_and_resize", "tf_crop_and_resize coordinates"),
            Map.entry("test_identity_opt", "optional types"),
            Map.entry("test_AvgPool3d", "3-D pooling"),
            Map.entry("test_MaxPool3d", "3-D pooling"),
            Map.entry("test_Conv3d", "3-D convolution"),
            Map.entry("test_Conv1d", "1-D convolution"),
            Map.entry("test_identity_sequence", "sequence types"));

    /** Cases whose data are integer tensors flowing through float kernels: outside a float32 runtime. */
    static final Set<String> INTEGER_DATA = Set.of("test_add_uint8", "test_sub_uint8", "test_mul_uint8", "test_div_uint8",
            "test_maxpool_2d_uint8", "test_clip_default_int8_inbounds", "test_clip_default_int8_max", "test_clip_default_int8_min",
            "test_constantofshape_int_zeros", "test_constantofshape_int_shape_zero");

    /**
     * The operators whose conformance cases run: every executable op plus the import-time rewrites. Cast,
     * Gather and Dropout are accepted only as import-time shape arithmetic / inference no-ops, so their
     * general cases (integer or string data, training-mode dropout) are outside this set.
     */
    static final Set<String> CONFORMANCE_OPS;

    static {
        Set<String> s = new java.util.HashSet<>(OpSupport.EXECUTABLE);
        s.addAll(List.of("Constant", "Shape", "Identity", "Flatten", "Squeeze", "Unsqueeze", "Upsample", "ConstantOfShape", "Sum"));
        CONFORMANCE_OPS = Set.copyOf(s);
    }

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> conformanceCases() throws IOException {
        return cases(CpuBackend::new);
    }

    /** The same cases with convolutions on OpenBLAS instead of the Vector API: what a CPU without 512-bit vectors runs. */
    @TestFactory
    Stream<DynamicTest> conformanceCasesWithOpenBlasConvolutions() throws IOException {
        return cases(CpuBackend::openBlasConvolutions);
    }

    /** The same cases on the CPU backend's Java loops: what runs where OpenBLAS cannot be loaded (the GPU bundle). */
    @TestFactory
    Stream<DynamicTest> conformanceCasesOnTheJavaKernels() throws IOException {
        return cases(CpuBackend::javaKernels);
    }

    /** The same cases through the CUDA backend's kernels and op dispatch, run on the CPU by the kernel emulator. */
    @TestFactory
    Stream<DynamicTest> conformanceCasesOnTheCudaKernels() throws IOException {
        Supplier<Backend> emulated = EmulatedCudaBackend::new;
        emulated.get(); // builds the emulator, or skips saying why
        return cases(emulated);
    }

    private Stream<DynamicTest> cases(Supplier<Backend> backend) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(ROOT), "ONNX conformance data not installed at " + ROOT
                + " (apt-get install libonnx-testdata)");
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> all = new ArrayList<>();
        for (Path root : List.of(ROOT, ROOT.resolveSibling("pytorch-converted"), ROOT.resolveSibling("pytorch-operator"))) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> dirs = Files.list(root)) {
                all.addAll(dirs.sorted().toList());
            }
        }
        {
            for (Path dir : all) {
                Path model = dir.resolve("model.onnx");
                if (!Files.exists(model)) continue;
                Graph g;
                try {
                    g = OnnxModelReader.read(model);
                } catch (RuntimeException e) {
                    continue;
                }
                if (g.nodes().isEmpty() || !g.nodes().stream().map(Node::opType).allMatch(CONFORMANCE_OPS::contains)) continue;
                String name = dir.getFileName().toString();
                if (INTEGER_DATA.contains(name)) continue;
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    try {
                        runCase(dir, name, backend.get());
                    } catch (RuntimeException e) {
                        throw new AssertionError(name + ": " + e, e);
                    }
                }));
            }
        }
        assertTrue(tests.size() > 150, "expected the conformance cases of the supported operators, found " + tests.size());
        return tests.stream();
    }

    private void runCase(Path dir, String name, Backend backend) throws IOException {
        String refusal = REFUSED.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
        Graph g = OnnxModelReader.read(dir.resolve("model.onnx"));
        Path data = dir.resolve("test_data_set_0");
        List<String> inputNames = new ArrayList<>(g.inputs().keySet());
        Map<String, float[]> feeds = new LinkedHashMap<>();
        for (int i = 0; i < inputNames.size(); i++) {
            ConstTensor t = TensorProtos.readFile(data.resolve("input_" + i + ".pb")).tensor();
            // the first float input stays a run-time input; the rest (weights, shapes, axes) become constants
            if (feeds.isEmpty() && t.type() == DataType.FLOAT) {
                feeds.put(inputNames.get(i), t.floats());
                g.inputs().put(inputNames.get(i), t.shape());
            } else {
                OnnxModelReader.bindConstant(g, inputNames.get(i), t);
            }
        }
        if (refusal != null) {
            ModelImportException e = assertThrows(ModelImportException.class, () -> Pipelines.pack(g, tmp), name + " should be refused: " + refusal);
            assertTrue(e.getMessage().contains("node") || e.getMessage().contains("unsupported"), e.getMessage());
            return;
        }
        FrameResult r = Pipelines.run(Pipelines.pack(g, tmp), Session.Options.of(0, ResidencyMode.NONE), feeds, backend);
        for (int i = 0; i < g.outputs().size(); i++) {
            ConstTensor expected = TensorProtos.readFile(data.resolve("output_" + i + ".pb")).tensor();
            float[] got = r.outputs().get(0).get(g.outputs().get(i));
            assertClose(expected.floats(), got, name + " output " + i);
        }
    }

    static void assertClose(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what + ": element count");
        for (int j = 0; j < expected.length; j++) {
            float e = expected[j], a = got[j];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (Math.abs(e - a) > 1e-5 + 1e-3 * Math.abs(e)) {
                fail(what + ": element " + j + " expected " + e + " got " + a + " (first values " + Arrays.toString(Arrays.copyOf(got, Math.min(6, got.length))) + ")");
            }
        }
    }
}
