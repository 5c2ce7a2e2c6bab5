package dev.demandlayering.runtime.cpu;

/**
 * Whether the convolutions run on {@link VectorGemm}: the JVM must have been started with {@code --add-modules
 * jdk.incubator.vector} (bin/dlayer, the ROS wrapper and the tests do) and the CPU must have 512-bit vectors
 * (on narrower ones the Vector API would emulate them, slower than OpenBLAS). This class names no Vector API
 * type, so it loads on any JVM.
 */
final class VectorSupport {
    private static final String UNAVAILABLE = probe();

    private VectorSupport() {
    }

    private static String probe() {
        if (Boolean.getBoolean("dlayer.javaKernels")) return "disabled by -Ddlayer.javaKernels=true";
        if (!Boolean.parseBoolean(System.getProperty("dlayer.vectorKernels", "true"))) return "disabled by -Ddlayer.vectorKernels=false";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return "the JVM was started without --add-modules jdk.incubator.vector";
        try {
            int bits = Lanes.preferredBits();
            return bits >= 512 ? null : "this CPU's vectors are " + bits + "-bit (512 needed)";
        } catch (Throwable e) { // LinkageError from a broken module
            return e.toString();
        }
    }

    /** Whether convolutions take the Vector API path. */
    static boolean enabled() {
        return UNAVAILABLE == null;
    }

    /** Why not, or null. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** Kept apart so that {@link #probe} touches the module only once it is known to be there. */
    private static final class Lanes {
        static int preferredBits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
