package dev.demandlayering.runtime.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

/**
 * The backend's kernels (kernels.cu beside this class), compiled once with NVRTC for the device's compute
 * capability and loaded as a module; {@link #launch} starts one on a stream.
 */
final class CudaModule implements AutoCloseable {
    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();

    CudaModule(CudaDevice device) {
        String source;
        try (InputStream in = CudaModule.class.getResourceAsStream("kernels.cu")) {
            if (in == null) throw new IllegalStateException("kernels.cu is missing from the jar");
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] ptx = compile(source, "--gpu-arch=compute_" + device.ccMajor() + device.ccMinor());
        CudaException.checkDriver(cudart.cuModuleLoadData(module, new BytePointer(ptx)), "loading the kernels' PTX (cuModuleLoadData)");
    }

    private static byte[] compile(String source, String arch) {
        _nvrtcProgram prog = new _nvrtcProgram();
        check(nvrtc.nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("kernels.cu"), 0, (PointerPointer<?>) null, null), "nvrtcCreateProgram");
        try {
            PointerPointer<BytePointer> opts = new PointerPointer<>(arch, "--std=c++17", "-default-device");
            int status = nvrtc.nvrtcCompileProgram(prog, 3, opts);
            if (status != nvrtc.NVRTC_SUCCESS) {
                SizeTPointer n = new SizeTPointer(1);
                nvrtc.nvrtcGetProgramLogSize(prog, n);
                BytePointer log = new BytePointer(n.get());
                nvrtc.nvrtcGetProgramLog(prog, log);
                throw new CudaException("NVRTC could not compile the CUDA kernels for " + arch + ":\n" + log.getString());
            }
            SizeTPointer size = new SizeTPointer(1);
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
        } finally {
            args.close();
        }
    }

    @Override
    public void close() {
        cudart.cuModuleUnload(module);
    }
}
