package dev.demandlayering.runtime.cpu;

/**
 * Which kernels run on the Java Vector API. The JVM must have been started with {@code --add-modules
 * jdk.incubator.vector} (bin/dlayer, the ROS wrapper and the tests do). The plane kernels ({@link Lanes}) then run
 * at the CPU's own width where it is at least 256 bits (AVX2, AVX-512); the convolutions' GEMM ({@link VectorGemm})
 * only where it is 512 (on a narrower CPU the Vector API would emulate its 16-lane vectors, slower than OpenBLAS,
 * which runs them there). This class names no Vector API type, so it loads on any JVM.
 */
final class VectorSupport {
    private static final String UNAVAILABLE = probe();
    private static final String NO_GEMM = UNAVAILABLE != null ? UNAVAILABLE : gemmProbe();

    private VectorSupport() {
    }

    private static String probe() {
        if (Boolean.getBoolean("dlayer.javaKernels")) return "disabled by -Ddlayer.javaKernels=true";
        if (!Boolean.parseBoolean(System.getProperty("dlayer.vectorKernels", "true"))) return "disabled by -Ddlayer.vectorKernels=false";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return "the JVM was started without --add-modules jdk.incubator.vector";
        try {
            int bits = Width.preferredBits();
            return bits >= 256 ? null : "this CPU's vectors are " + bits + "-bit (256 needed)";
        } catch (Throwable e) { // LinkageError from a broken module
            return e.toString();
        }
    }

    private static String gemmProbe() {
        int bits = Width.preferredBits();
        return bits >= 512 ? null : "this CPU's vectors are " + bits + "-bit (512 needed)";
    }

    /** Whether the plane kernels take the Vector API path. */
    static boolean enabled() {
        return UNAVAILABLE == null;
    }

    /** Whether the convolutions' GEMM takes it too (512-bit vectors). */
    static boolean gemm() {
        return NO_GEMM == null;
    }

    /** Why the GEMM does not, or null. */
    static String gemmUnavailable() {
        return NO_GEMM;
    }

    /** The plane kernels' vector width in bits, or 0 where they do not run on the Vector API. */
    static int bits() {
        return enabled() ? Width.preferredBits() : 0;
    }

    /** Why not, or null. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** Kept apart so that {@link #probe} touches the module only once it is known to be there. */
    private static final class Width {
        static int preferredBits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
