package dev.demandlayering.runtime.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * cuBLAS on the backend's compute stream. Its scratch is a slice of the arena's workspace (cublasSetWorkspace)
 * so that cuBLAS allocates no device memory of its own during a frame. Float32 GEMMs use FP32 math (no TF32),
 * keeping outputs within 1e-3 of the CPU backend; float16 weights go through cublasGemmEx with float32
 * accumulation, which runs on the tensor cores.
 */
final class Cublas implements Blas, AutoCloseable {
    /** cuBLAS's own scratch per GEMM: enough for its split-K kernels on the shapes convolutions give. */
    static final long WORKSPACE = 1L << 20;

    private final cublasContext handle = new cublasContext();
    private final FloatPointer alpha = new FloatPointer(1), beta = new FloatPointer(1);
    private long boundWorkspace = -1;

    Cublas(CUstream_st stream) {
        check(cublas.cublasCreate_v2(handle), "cublasCreate (is libcublas.so.13 on the library path?)");
        check(cublas.cublasSetStream_v2(handle, stream), "cublasSetStream");
        check(cublas.cublasSetMathMode(handle, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    }

    @Override
    public long workspaceBytes() {
        return WORKSPACE;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float a, long pa, int lda, long pb, int ldb, float b, long pc, int ldc,
                      long workspace) {
        bindWorkspace(workspace);
        alpha.put(a);
        beta.put(b);
        check(cublas.cublasSgemm_v2(handle, transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                m, n, k, alpha, floats(pa), lda, floats(pb), ldb, beta, floats(pc), ldc), "cublasSgemm " + m + "x" + n + "x" + k);
    }

    @Override
    public void hgemm(boolean transA, boolean transB, int m, int n, int k, float a, long pa, int lda, long pb, int ldb, float b, long pc, int ldc,
                      long workspace) {
        bindWorkspace(workspace);
        alpha.put(a);
        beta.put(b);
        check(cublas.cublasGemmEx(handle, transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                m, n, k, alpha, at(pa), cudart.CUDA_R_16F, lda, at(pb),
                cudart.CUDA_R_16F, ldb, beta, at(pc), cudart.CUDA_R_32F, ldc, cublas.CUBLAS_COMPUTE_32F, cublas.CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx (float16 in, float32 out) " + m + "x" + n + "x" + k);
    }

    private void bindWorkspace(long workspace) {
        if (workspace != boundWorkspace) {
            check(cublas.cublasSetWorkspace_v2(handle, at(workspace), WORKSPACE), "cublasSetWorkspace");
            boundWorkspace = workspace;
        }
    }

    /** A JavaCPP pointer at a device address (never dereferenced on the host). */
    private static Pointer at(long address) {
        return new Pointer() {
            {
                this.address = address;
            }
        };
    }

    private static FloatPointer floats(long address) {
        return new FloatPointer(at(address));
    }

    private static void check(int status, String what) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(what + " failed: " + cublas.cublasGetStatusString(status).getString() + " (status " + status + ")");
        }
    }

    @Override
    public void close() {
        cublas.cublasDestroy_v2(handle);
        alpha.close();
        beta.close();
    }
}
