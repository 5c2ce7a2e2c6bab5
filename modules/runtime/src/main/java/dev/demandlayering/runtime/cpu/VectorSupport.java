package dev.demandlayering.runtime.cpu;

/**
 * Which kernels run on the Java Vector API. The JVM must have been started with {@code --add-modules
 * jdk.incubator.vector} (bin/dlayer, the ROS wrapper and the tests do), and the CPU's vectors must be 256 bits (AVX2)
 * or 512 (AVX-512): the kernels then run at that width ({@link Lanes}), the convolutions' GEMM ({@link VectorGemm})
 * with a register block of its own per width. On a narrower CPU the Vector API would emulate the vectors, slower
 * than OpenBLAS and the Java loops, which run everything there. This class names no Vector API type, so it loads on
 * any JVM.
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
            return bits == 256 || bits == 512 ? null : "this CPU's vectors are " + bits + "-bit (256 or 512 needed)";
        } catch (Throwable e) { // LinkageError from a broken module
            return e.toString();
        }
    }

    private static String gemmProbe() {
        if (!Boolean.parseBoolean(System.getProperty("dlayer.vectorGemm", "true"))) return "disabled by -Ddlayer.vectorGemm=false";
        return null;
    }

    /** Whether the plane kernels take the Vector API path. */
    static boolean enabled() {
        return UNAVAILABLE == null;
    }

    /** Whether the convolutions take it too (unless {@code -Ddlayer.vectorGemm=false}: OpenBLAS then, for comparison). */
    static boolean gemm() {
        return NO_GEMM == null;
    }

    /** Why the GEMM does not, or null. */
    static String gemmUnavailable() {
        return NO_GEMM;
    }

    /** The kernels' vector width in bits, or 0 where they do not run on the Vector API. */
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
