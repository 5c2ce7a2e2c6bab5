package dev.demandlayering.runtime.cuda;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Whether a CUDA device can be used here, and which: loads the CUDA runtime through JavaCPP (the host's
 * libcudart.so.13, or .12 with -Pcuda12, found through LD_LIBRARY_PATH) and asks for devices. Never throws: a machine without a
 * GPU or CUDA libraries gets a probe saying why.
 */
public record CudaDevice(boolean available, String reason, int index, String name, int ccMajor, int ccMinor, long totalBytes, boolean integrated,
                         int driverVersion, int runtimeVersion) {
    private static volatile CudaDevice cached;
    /** The CUDA major version the build's presets link ("13"; "12" with -Pcuda12), from build.properties. */
    public static final String CUDA_MAJOR = cudaMajor();

    private static String cudaMajor() {
        String v = dev.demandlayering.runtime.BuildInfo.get("cuda.version", "13");
        return v.substring(0, v.indexOf('.') > 0 ? v.indexOf('.') : v.length());
    }

    public static CudaDevice probe() {
        CudaDevice c = cached;
        if (c == null) cached = c = detect();
        return c;
    }

    private static CudaDevice detect() {
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: no CUDA libraries here
            return none("the CUDA runtime (libcudart.so." + CUDA_MAJOR + ") cannot be loaded: " + loadFailure(e));
        }
        try {
            Loader.load(org.bytedeco.cuda.global.cublas.class);
        } catch (Throwable e) {
            return none("cuBLAS (libcublas.so." + CUDA_MAJOR + ", libcublasLt.so." + CUDA_MAJOR + ") cannot be loaded: " + loadFailure(e));
        }
        try {
            Loader.load(org.bytedeco.cuda.global.nvrtc.class);
        } catch (Throwable e) {
            return none("NVRTC (libnvrtc.so." + CUDA_MAJOR + ") cannot be loaded: " + loadFailure(e));
        }
        try {
            int[] count = {0};
            int s = cudart.cudaGetDeviceCount(count);
            if (s != cudart.cudaSuccess) return none("no usable CUDA device: " + cudart.cudaGetErrorString(s).getString());
            if (count[0] == 0) return none("no CUDA device found");
            String wanted = System.getenv("DLAYER_CUDA_DEVICE");
            int index = wanted == null || wanted.isBlank() ? 0 : Integer.parseInt(wanted.trim());
            if (index < 0 || index >= count[0]) {
                return none("DLAYER_CUDA_DEVICE=" + wanted + " but there are " + count[0] + " CUDA device(s) (0.." + (count[0] - 1) + ")");
            }
            CudaException.check(cudart.cudaSetDevice(index), "cudaSetDevice(" + index + ")");
            cudaDeviceProp p = new cudaDeviceProp();
            CudaException.check(cudart.cudaGetDeviceProperties(p, index), "cudaGetDeviceProperties");
            int[] v = {0}, integrated = {0};
            cudart.cudaDeviceGetAttribute(integrated, cudart.cudaDevAttrIntegrated, index);
            int[] drv = {0}, rt = {0};
            cudart.cudaDriverGetVersion(drv);
            cudart.cudaRuntimeGetVersion(rt);
            SizeTPointer free = new SizeTPointer(1), total = new SizeTPointer(1);
            CudaException.check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            String name = p.name().getString();
            return new CudaDevice(true, "CUDA device " + index + ": " + name + " (compute capability " + p.major() + "." + p.minor() + ", "
                    + (total.get() >> 20) + " MiB" + (integrated[0] != 0 ? ", integrated" : "") + ", driver " + version(drv[0]) + ", runtime "
                    + version(rt[0]) + ")", index, name, p.major(), p.minor(), total.get(), integrated[0] != 0, drv[0], rt[0]);
        } catch (RuntimeException | LinkageError e) {
            return none("CUDA is present but not usable: " + firstLine(e));
        }
    }

    /** Free and total device memory now, in bytes. */
    public static long[] memInfo() {
        SizeTPointer free = new SizeTPointer(1), total = new SizeTPointer(1);
        CudaException.check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[] {free.get(), total.get()};
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static CudaDevice none(String why) {
        return new CudaDevice(false, why, -1, "", 0, 0, 0, false, 0, 0);
    }

    /**
     * Why a native library did not load: JavaCPP's own message only says its JNI glue is not on java.library.path;
     * the cause it wraps names the library the dynamic linker could not find ("libcuda.so.1: cannot open shared
     * object file"). Both are given, with LD_LIBRARY_PATH, where the linker looked.
     */
    static String loadFailure(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String why = firstLine(root);
        int at = why.indexOf(": lib"); // "/path/libjnicudart.so: libcuda.so.1: cannot open ..." -> from the missing library on
        if (root != e && at > 0 && why.startsWith("/")) why = why.substring(at + 2) + " (needed by " + why.substring(0, at) + ")";
        String ld = System.getenv("LD_LIBRARY_PATH");
        return why + "; LD_LIBRARY_PATH=" + (ld == null || ld.isBlank() ? "(unset)" : ld);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.lines().findFirst().orElse(m);
    }
}
