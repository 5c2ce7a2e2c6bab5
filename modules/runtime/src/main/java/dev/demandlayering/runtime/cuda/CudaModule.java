package dev.demandlayering.runtime.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's kernels (kernels.cu beside this class), compiled once with NVRTC for the device's compute
 * capability (a CUBIN, else PTX) and loaded as a module; {@link #launch} starts one on a stream.
 */
final class CudaModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaModule.class);
    private static volatile boolean versionsLogged;
    private static final boolean DEBUG = "1".equals(System.getenv("DLAYER_CUDA_DEBUG"));
    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();

    CudaModule(CudaDevice device) {
        String source = kernelSource();
        logVersionsOnce();
        // CUBIN for the device's own architecture loads on a driver older than this NVRTC; PTX is the fallback
        // (an NVRTC that does not know the architecture yet, or a CUBIN the driver refuses)
        String cubinFailure;
        try {
            byte[] cubin = compile(source, nvrtcOptions(device.ccMajor(), device.ccMinor(), true), true);
            int status = cudart.cuModuleLoadData(module, new BytePointer(cubin));
            if (status == cudart.CUDA_SUCCESS) return;
            cubinFailure = "the driver refused the CUBIN (status " + status + ")";
        } catch (CudaException e) {
            cubinFailure = e.getMessage().lines().findFirst().orElse("");
        }
        LOG.info("kernels as CUBIN for sm_{}{} failed ({}); loading PTX for compute_{}{} instead", device.ccMajor(), device.ccMinor(), cubinFailure,
                device.ccMajor(), device.ccMinor());
        byte[] ptx = compile(source, nvrtcOptions(device.ccMajor(), device.ccMinor(), false), false);
        CudaException.checkDriver(cudart.cuModuleLoadData(module, new BytePointer(ptx)), "loading the kernels' PTX (cuModuleLoadData)");
    }

    /** kernels.cu, as the jar carries it. */
    static String kernelSource() {
        try (InputStream in = CudaModule.class.getResourceAsStream("kernels.cu")) {
            if (in == null) throw new IllegalStateException("kernels.cu is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The NVRTC options the kernels are compiled with: {@code -arch=sm_XY} for a CUBIN of compute capability X.Y,
     * {@code --gpu-architecture=compute_XY} for PTX. (A test compiles kernels.cu with a real NVRTC and exactly these.)
     */
    static List<String> nvrtcOptions(int ccMajor, int ccMinor, boolean cubin) {
        String arch = cubin ? "-arch=sm_" + ccMajor + ccMinor : "--gpu-architecture=compute_" + ccMajor + ccMinor;
        return List.of(arch, "--std=c++17", "-default-device");
    }

    private static void logVersionsOnce() {
        if (versionsLogged) return;
        versionsLogged = true;
        int[] major = new int[1], minor = new int[1], driver = new int[1];
        nvrtc.nvrtcVersion(major, minor);
        cudart.cuDriverGetVersion(driver);
        LOG.info("NVRTC {}.{}, CUDA driver {}.{}", major[0], minor[0], driver[0] / 1000, (driver[0] % 1000) / 10);
    }

    private static byte[] compile(String source, List<String> options, boolean cubin) {
        _nvrtcProgram prog = new _nvrtcProgram();
        check(nvrtc.nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("kernels.cu"), 0, (PointerPointer<?>) null, null), "nvrtcCreateProgram");
        try {
            PointerPointer<BytePointer> opts = new PointerPointer<>(options.toArray(String[]::new));
            int status = nvrtc.nvrtcCompileProgram(prog, options.size(), opts);
            if (status != nvrtc.NVRTC_SUCCESS) {
                SizeTPointer n = new SizeTPointer(1);
                nvrtc.nvrtcGetProgramLogSize(prog, n);
                BytePointer log = new BytePointer(n.get());
                nvrtc.nvrtcGetProgramLog(prog, log);
                throw new CudaException("NVRTC could not compile the CUDA kernels with " + options + " (" + nvrtc.nvrtcGetErrorString(status).getString()
                        + "):\n" + log.getString());
            }
            SizeTPointer size = new SizeTPointer(1);
            if (cubin) {
                check(nvrtc.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
                byte[] out = new byte[(int) size.get()];
                check(nvrtc.nvrtcGetCUBIN(prog, out), "nvrtcGetCUBIN");
                return out;
            }
            check(nvrtc.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
            byte[] ptx = new byte[(int) size.get()];
            check(nvrtc.nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
            return ptx;
        } finally {
            nvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static void check(int status, String what) {
        if (status != nvrtc.NVRTC_SUCCESS) throw new CudaException(what + " failed: " + nvrtc.nvrtcGetErrorString(status).getString());
    }

    private CUfunc_st function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunc_st f = new CUfunc_st();
            CudaException.checkDriver(cudart.cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    void launch(String name, int gridX, int gridY, int blockX, int blockY, CUstream_st stream, KernelArgs args) {
        try (PointerPointer<Pointer> params = args.pointers()) {
            CudaException.checkDriver(cudart.cuLaunchKernel(function(name), gridX, gridY, 1, blockX, blockY, 1, 0, stream, params, null),
                    "launching kernel " + name);
            // debug mode: wait for each kernel, so a fault inside one is reported with its name, not by a later call
            if (DEBUG) CudaException.checkDriver(cudart.cuStreamSynchronize(stream), "kernel " + name + " (checked after its launch, DLAYER_CUDA_DEBUG=1)");
        } finally {
            args.close();
        }
    }

    @Override
    public void close() {
        cudart.cuModuleUnload(module);
    }
}
