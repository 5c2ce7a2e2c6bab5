package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Region;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * The CUDA backend's op dispatch ({@link CudaOps}) and kernels (kernels.cu) run on the CPU through
 * {@link KernelEmulator}, over the CPU backend's arena (host memory standing in for the device's), with its
 * GEMMs through the emulator's cuBLAS-convention GEMM and its workspace planned in the arena: everything of the
 * backend but the CUDA runtime and library calls themselves (streams, events, copies, cuBLAS's kernels).
 */
public final class EmulatedCudaBackend implements Backend {
    private final CudaOps ops;
    private final CpuBackend cpu = new CpuBackend();
    private final Map<Arena, Long> bases = new IdentityHashMap<>();

    public EmulatedCudaBackend() {
        this(CudaOps.IM2COL_CAP);
    }

    /** @param im2colCap the most bytes one im2col tile may take (small: many tiles per convolution) */
    public EmulatedCudaBackend(long im2colCap) {
        ops = new CudaOps(KernelEmulator.launcher(), KernelEmulator.blas(), im2colCap);
    }

    @Override
    public String name() {
        return "cuda-emulated";
    }

    @Override
    public boolean supports(dev.demandlayering.runtime.graph.Node node) {
        return CudaOps.supports(node.opType());
    }

    @Override
    public Arena allocateArena(long bytes) {
        Arena a = cpu.allocateArena(bytes);
        // the arena's first byte: its staging view at offset 0 is the direct buffer itself
        bases.put(a, new Pointer(a.weightStaging(0, a.size())).address());
        return a;
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out) {
        throw new IllegalStateException("runs with the plan's workspace only");
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out, Region workspace) {
        ops.run(node, bases.get(arena), in, out, workspace);
    }

    @Override
    public long workspaceBytes(List<LayeredModel> models, WeightPrecision weights) {
        return ops.workspaceBytes(models, weights.isHalf());
    }
}
