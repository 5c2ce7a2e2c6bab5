package dev.demandlayering.runtime.cuda;

import dev.demandlayering.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * kernels.cu compiled for the CPU (node/src/test/c/cuda_emulator.cpp, g++): runs the CUDA backend's kernels
 * and argument marshalling on machines without a GPU. Built once per test JVM.
 */
final class KernelEmulator {
    private static boolean loaded;
    private static String unavailable;

    private KernelEmulator() {
    }

    static native int launch(String name, int gridX, int gridY, int blockX, int blockY, long params);

    static native int hgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c,
                            int ldc);

    static native int sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c,
                            int ldc);

    /** Builds and loads the emulator, or skips the calling test saying why it cannot. */
    static synchronized void load() {
        if (!loaded && unavailable == null) {
            try {
                Path dir = Files.createTempDirectory("cuda-emulator");
                Path lib = dir.resolve("libcudaemu.so");
                Path javaHome = Path.of(System.getProperty("java.home"));
                Path kernels = TestRepo.root().resolve("modules/runtime/src/main/resources/dev/demandlayering/runtime/cuda/kernels.cu");
                Process p = new ProcessBuilder("g++", "-std=c++20", "-O2", "-shared", "-fPIC", "-I" + javaHome.resolve("include"),
                        "-I" + javaHome.resolve("include/linux"), "-DKERNELS=\"" + kernels + "\"", "-o", lib.toString(),
                        TestRepo.root().resolve("node/src/test/c/cuda_emulator.cpp").toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    unavailable = "g++ could not build the CUDA kernel emulator: " + out;
                } else {
                    System.load(lib.toString());
                    loaded = true;
                }
                // loaded (or not built): the file is not needed any more
                Files.deleteIfExists(lib);
                Files.deleteIfExists(dir);
            } catch (IOException | InterruptedException | UnsatisfiedLinkError e) {
                unavailable = "cannot build the CUDA kernel emulator (g++ needed): " + e.getMessage();
            }
        }
        Assumptions.assumeTrue(loaded, unavailable);
    }

    /** cuBLAS's GEMM on the CPU, with cuBLAS's argument checks and the backend's workspace size. */
    static Blas blas() {
        load();
        return new Blas() {
            @Override
            public long workspaceBytes() {
                return Cublas.WORKSPACE;
            }

            @Override
            public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc,
                              long workspace) {
                int rc = KernelEmulator.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (rc != 0) throw new IllegalStateException("cublasSgemm would refuse " + m + "x" + n + "x" + k + " with lda " + lda + ", ldb " + ldb + ", ldc " + ldc);
            }

            @Override
            public void hgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc,
                              long workspace) {
                int rc = KernelEmulator.hgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (rc != 0) throw new IllegalStateException("cublasGemmEx would refuse " + m + "x" + n + "x" + k + " with lda " + lda + ", ldb " + ldb + ", ldc " + ldc);
            }
        };
    }

    /** A launcher that runs kernels.cu on the CPU. */
    static KernelLauncher launcher() {
        load();
        return (name, gx, gy, bx, by, args) -> {
            try (var params = args.pointers()) {
                int rc = launch(name, gx, gy, bx, by, params.address());
                if (rc != 0) throw new IllegalStateException("the emulator has no kernel " + name);
            } finally {
                args.close();
            }
        };
    }
}
