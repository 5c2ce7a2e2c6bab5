package dev.demandlayering.runtime.cpu;

import org.slf4j.LoggerFactory;

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
        int cpu;
        try {
            cpu = Width.preferredBits();
        } catch (Throwable e) { // LinkageError from a broken module
            return e.toString();
        }
        String why = widthProblem(cpu, System.getProperty("dlayer.vectorBits"));
        if (why != null && why.startsWith("-D")) LoggerFactory.getLogger(VectorSupport.class).warn("{}; the kernels run on OpenBLAS and the Java loops instead", why);
        return why;
    }

    /**
     * Why the kernels cannot run at {@code asked} bits ({@code -Ddlayer.vectorBits}, null: unset) on a CPU of {@code
     * cpu}-bit vectors, or null when they can: at 256 or 512 bits, and no wider than the CPU (a narrower width runs
     * natively, AVX2's code on an AVX-512 CPU, as the tests run it; a wider one would be emulated).
     */
    static String widthProblem(int cpu, String asked) {
        if (cpu != 256 && cpu != 512) return "this CPU's vectors are " + cpu + "-bit (256 or 512 needed)";
        if (asked == null || asked.equals(Integer.toString(cpu)) || asked.equals("256")) return null;
        return "-Ddlayer.vectorBits=" + asked + " cannot run here: this CPU's vectors are " + cpu + "-bit (give 256"
                + (cpu == 512 ? " or 512" : "") + ", or leave it unset for the CPU's own width)";
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

    /** The kernels' vector width in bits ({@code -Ddlayer.vectorBits}, else the CPU's), or 0 where they do not run on the Vector API. */
    static int bits() {
        return enabled() ? Integer.getInteger("dlayer.vectorBits", Width.preferredBits()) : 0;
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
