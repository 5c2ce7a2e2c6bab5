package dev.demandlayering.runtime.cuda;

/**
 * The one BLAS call the backend makes: single-precision GEMM on device addresses with cuBLAS's conventions
 * (column-major, C = alpha op(A) op(B) + beta C). On a GPU it is cuBLAS; the tests run the same calls through
 * a CPU implementation of those conventions.
 */
interface Blas {
    /** Bytes of scratch the library may use per call; the backend carves them out of the arena's workspace. */
    long workspaceBytes();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc,
               long workspace);

    /** As {@link #sgemm} with A and B float16 and C float32, accumulating in float32: tensor cores on a GPU. */
    void hgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc,
               long workspace);
}
