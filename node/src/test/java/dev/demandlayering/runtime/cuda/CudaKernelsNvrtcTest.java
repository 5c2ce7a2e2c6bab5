package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kernels.cu compiled by a real NVRTC (NVIDIA's library, Debian non-free; tools/install-nvrtc.sh), with exactly the
 * options {@link CudaModule#nvrtcOptions} gives, for the architectures the project targets: sm_90 (H100, H200) and
 * sm_87 (Jetson Orin), as CUBIN and as PTX. The emulator's g++ build cannot catch what only NVRTC rejects (an option
 * it does not know, a macro of the C library it does not include). In CI (CI=true) a missing NVRTC fails the test.
 */
class CudaKernelsNvrtcTest {
    static Path helper, lib, source;

    @BeforeAll
    static void build(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        lib = findNvrtc();
        if (lib == null && System.getenv("CI") != null) throw new AssertionError("CI needs a real NVRTC: run tools/install-nvrtc.sh (Debian non-free libnvrtc)");
        Assumptions.assumeTrue(lib != null, "no NVRTC library installed (tools/install-nvrtc.sh installs Debian's)");
        helper = tmp.resolve("nvrtc_compile");
        Process cc = new ProcessBuilder("cc", "-O1", "-o", helper.toString(), TestRepo.root().resolve("node/src/test/c/nvrtc_compile.c").toString(), "-ldl")
                .redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), out);
        source = Files.writeString(tmp.resolve("kernels.cu"), CudaModule.kernelSource());
    }

    /** The newest libnvrtc.so.N.M of the system's library directories (or NVRTC_LIB). */
    static Path findNvrtc() throws Exception {
        String given = System.getenv("NVRTC_LIB");
        if (given != null && Files.exists(Path.of(given))) return Path.of(given);
        List<Path> found = new ArrayList<>();
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/cuda/lib64")) {
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches("libnvrtc\\.so\\.\\d+(\\.\\d+)*")).forEach(found::add);
            }
        }
        return found.stream().max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
    }

    @ParameterizedTest(name = "sm_{0}{1} {2}")
    @CsvSource({"9, 0, cubin", "9, 0, ptx", "8, 7, cubin", "8, 7, ptx"})
    void kernelsCompileWithTheBackendsOptions(int major, int minor, String kind) throws Exception {
        List<String> options = CudaModule.nvrtcOptions(major, minor, kind.equals("cubin"));
        Path out = source.resolveSibling("kernels-" + major + minor + "." + kind);
        List<String> cmd = new ArrayList<>(List.of(helper.toString(), lib.toString(), source.toString(), out.toString(), kind));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), log);
        assertEquals(0, p.exitValue(), "NVRTC (" + lib + ") with " + options + ":\n" + log);
        byte[] bytes = Files.readAllBytes(out);
        if (kind.equals("cubin")) {
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(bytes, 4), "a CUBIN is an ELF image");
            return;
        }
        String ptx = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(ptx.contains(".target sm_" + major + minor), ptx.lines().limit(20).toList().toString());
        for (String kernel : List.of("unary", "binary", "gather", "scatter", "pad", "pool2d", "global_avg", "softmax", "batchnorm", "conv2d",
                "conv_transpose2d", "im2col", "im2col_h", "widen_half", "narrow_half", "channel_bias", "resize")) {
            assertTrue(ptx.contains(".entry " + kernel + "("), "kernel " + kernel + " missing from the PTX");
        }
    }
}
