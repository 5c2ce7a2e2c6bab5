package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import java.util.IdentityHashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * The CUDA backend's op dispatch ({@link CudaOps}) and kernels (kernels.cu) run on the CPU through
 * {@link KernelEmulator}, over the CPU backend's arena (host memory standing in for the device's): everything
 * of the backend but the CUDA runtime calls (streams, events, copies).
 */
public final class EmulatedCudaBackend implements Backend {
    private final CudaOps ops = new CudaOps(KernelEmulator.launcher());
    private final CpuBackend cpu = new CpuBackend();
    private final Map<Arena, Long> bases = new IdentityHashMap<>();

    @Override
    public String name() {
        return "cuda-emulated";
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
        ops.run(node, bases.get(arena), in, out);
    }
}
