package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.ops.Operators;
import org.junit.jupiter.api.Test;

/** What the CUDA backend says it runs, asked at plan time; its emulated kernels run the shipped models (CudaKernelsEmulatedTest). */
class CudaOpsSupportTest {
    @Test
    void theCudaBackendCoversTheOperatorTable() {
        for (Operators.Operator op : Operators.all()) assertTrue(CudaOps.supports(op.name()), "no CUDA kernel for " + op.name());
        assertFalse(CudaOps.supports("Gelu"));
    }
}
