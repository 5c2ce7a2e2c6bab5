package dev.demandlayering.runtime.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS's {@code cblas_sgemm} (bytedeco's preset) on raw addresses: operands are read and written in place in
 * the arena or a kernel's native scratch, with no copy through the Java heap. OpenBLAS runs single-threaded on
 * the calling thread, so the backend's one pool ({@link Parallel}) decides how both cores are used and
 * OpenBLAS's own spinning threads never compete with it or the weight loader.
 * <p>
 * Where the native library cannot be loaded (a platform without the natives, the trimmed GPU bundle), {@link
 * #available()} is false and the kernels keep their Java loops.
 */
final class NativeBlas {
    /** The bytedeco preset's OpenBLAS version ("0.3.31" of 0.3.31-1.5.13). */
    private static final String VERSION = dev.demandlayering.runtime.BuildInfo.get("openblas.version", "?").replaceFirst("-.*", "");
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final String UNAVAILABLE = load();
    /** Per-thread pointer objects, re-aimed per call: no allocation per product. */
    private static final ThreadLocal<FloatPointer[]> POINTERS = ThreadLocal.withInitial(() -> new FloatPointer[] {at(), at(), at()});

    private NativeBlas() {
    }

    private static String load() {
        if (Boolean.getBoolean("dlayer.javaKernels")) return "disabled by -Ddlayer.javaKernels=true";
        try {
            Loader.load(openblas_nolapack.class);
            openblas_nolapack.blas_set_num_threads(1);
            if (openblas_nolapack.blas_get_num_threads() != 1) return "OpenBLAS would not run single-threaded";
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError (no openblas jar)
            return e.toString();
        }
    }

    /** Whether products run on OpenBLAS. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** What the CPU backend computes with, for reports: OpenBLAS and its kernel, or why the Java loops. */
    static String describe() {
        if (!available()) return "Java loops (OpenBLAS unavailable: " + UNAVAILABLE + ")";
        return "OpenBLAS " + VERSION + " sgemm, single-threaded per task on " + Parallel.threads() + " threads";
    }

    /**
     * C[m,n] = alpha * op(A) op(B) + beta * C, row-major, on byte addresses; op(A) is m x k and op(B) is k x n.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        FloatPointer[] p = POINTERS.get();
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                aim(p[0], a), lda, aim(p[1], b), ldb, beta, aim(p[2], c), ldc);
    }

    private static FloatPointer at() {
        return new Address();
    }

    private static FloatPointer aim(FloatPointer p, long address) {
        ((Address) p).set(address);
        return p;
    }

    /** A pointer that owns nothing and can be moved to any address. */
    private static final class Address extends FloatPointer {
        void set(long addr) {
            address = addr;
            position = 0;
        }
    }
}
