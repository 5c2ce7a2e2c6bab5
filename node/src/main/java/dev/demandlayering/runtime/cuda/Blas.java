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

    /** C (float32) = A B with A and B float16, no transposes, float32 accumulation: tensor cores on a GPU. */
    void hgemm(int m, int n, int k, long a, int lda, long b, int ldb, long c, int ldc, long workspace);
}
