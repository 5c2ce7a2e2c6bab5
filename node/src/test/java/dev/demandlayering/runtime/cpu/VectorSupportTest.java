package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which vector widths the kernels take: the CPU's own, or 256 bits on a wider CPU, never a width the CPU lacks. */
class VectorSupportTest {
    @Test
    void aNarrowerWidthIsTakenAndAWiderOneRefusedByName() {
        assertNull(VectorSupport.widthProblem(512, null));
        assertNull(VectorSupport.widthProblem(256, null));
        assertNull(VectorSupport.widthProblem(512, "256"));
        assertNull(VectorSupport.widthProblem(512, "512"));
        assertEquals("-Ddlayer.vectorBits=512 cannot run here: this CPU's vectors are 256-bit (give 256, or leave it unset for the CPU's own width)",
                VectorSupport.widthProblem(256, "512"));
        assertEquals("-Ddlayer.vectorBits=128 cannot run here: this CPU's vectors are 512-bit (give 256 or 512, or leave it unset for the CPU's own width)",
                VectorSupport.widthProblem(512, "128"));
        assertEquals("this CPU's vectors are 128-bit (256 or 512 needed)", VectorSupport.widthProblem(128, null));
    }
}
