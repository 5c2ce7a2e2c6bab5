package dev.demandlayering.runtime.cuda;

import org.bytedeco.cuda.global.cudart;

/** A failed CUDA call: what was being done, the error's name and CUDA's own text. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    /** Throws when a runtime-API call did not return cudaSuccess. */
    static void check(int status, String what) {
        if (status != cudart.cudaSuccess) {
            String text = cudart.cudaGetErrorString(status).getString();
            String hint = status == 2 ? " (out of device memory: lower arena_size or free the GPU)" : "";
            throw new CudaException(what + " failed: CUDA error " + status + ": " + text + hint);
        }
    }

    /** Throws when a driver-API call did not return CUDA_SUCCESS. */
    static void checkDriver(int status, String what) {
        if (status != 0) {
            org.bytedeco.javacpp.PointerPointer<org.bytedeco.javacpp.BytePointer> p = new org.bytedeco.javacpp.PointerPointer<>(1);
            String text = cudart.cuGetErrorString(status, p) == 0 && p.get(0) != null ? new org.bytedeco.javacpp.BytePointer(p.get(0)).getString() : "";
            throw new CudaException(what + " failed: CUDA driver error " + status + (text.isEmpty() ? "" : ": " + text));
        }
    }
}
