package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where CUDA cannot be used, the probe says which library the dynamic linker could not find and where it looked. */
class CudaDeviceProbeTest {
    @Test
    void aLoadFailureNamesTheMissingLibraryNotJustTheJniGlue() {
        UnsatisfiedLinkError inner = new UnsatisfiedLinkError(
                "/root/.javacpp/cache/dlayer.jar/org/bytedeco/cuda/linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory");
        UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        outer.initCause(inner);
        String why = CudaDevice.loadFailure(outer);
        assertTrue(why.startsWith("libcuda.so.1: cannot open shared object file: No such file or directory (needed by /root/.javacpp/cache/"), why);
        assertTrue(why.contains("; LD_LIBRARY_PATH="), why);
    }

    @Test
    void withoutAGpuTheProbeGivesTheRootCause() {
        CudaDevice d = CudaDevice.probe();
        if (d.available()) return; // a GPU host: nothing to explain
        assertEquals(false, d.available());
        assertTrue(!d.reason().contains("no jnicudart in java.library.path") || d.reason().contains("cannot open shared object file"), d.reason());
        assertTrue(d.reason().contains("cannot be loaded: lib") || d.reason().startsWith("no "), d.reason());
    }
}
