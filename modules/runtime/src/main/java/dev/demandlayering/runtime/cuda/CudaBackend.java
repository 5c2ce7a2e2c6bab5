package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.LayerClock;
import dev.demandlayering.runtime.exec.Region;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.List;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/**
 * The CUDA backend: one device arena ({@link CudaArena}), every kernel on one compute stream, weights copied in
 * on a second stream. Convolutions and matrix products are cuBLAS GEMMs (im2col and cuBLAS's scratch in the
 * arena's planned workspace); the other ops are this package's kernels.cu (NVRTC), each the GPU twin of the CPU
 * backend's kernel for the op. Launches are asynchronous and the host waits only when it reads an output;
 * per-layer compute times come from CUDA events.
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final CudaModule kernels;
    private final Cublas blas;
    private final CudaOps ops;
    private final CUstream_st compute = new CUstream_st();
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);

    private CudaBackend(CudaDevice device) {
        this.device = device;
        CudaException.check(cudart.cudaSetDevice(device.index()), "cudaSetDevice(" + device.index() + ")");
        CudaException.check(cudart.cudaFree(null), "creating the CUDA context");
        CudaException.check(cudart.cudaStreamCreateWithFlags(compute, cudart.cudaStreamNonBlocking), "creating the compute stream");
        kernels = new CudaModule(device);
        blas = new Cublas(compute);
        ops = new CudaOps((name, gx, gy, bx, by, args) -> kernels.launch(name, gx, gy, bx, by, compute, args), blas, CudaOps.IM2COL_CAP);
    }

    /** Opens the backend on the probed device, or fails saying why no device is usable. */
    public static CudaBackend open() {
        CudaDevice d = CudaDevice.probe();
        if (!d.available()) throw new IllegalStateException("backend 'cuda' is not usable here: " + d.reason());
        return new CudaBackend(d);
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public boolean supports(Node node) {
        return CudaOps.supports(node.opType());
    }

    @Override
    public Arena allocateArena(long bytes) {
        bind();
        return new CudaArena(bytes, device.integrated(), compute);
    }

    /** The CUDA context is per thread for driver-API calls: bind the device on each thread that launches. */
    private void bind() {
        if (!bound.get()) {
            CudaException.check(cudart.cudaSetDevice(device.index()), "cudaSetDevice on " + Thread.currentThread().getName());
            CudaException.check(cudart.cudaFree(null), "making the CUDA context current");
            bound.set(true);
        }
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out) {
        throw new IllegalStateException("the CUDA backend runs nodes with the plan's workspace (Engine passes it)");
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out, Region workspace) {
        bind();
        CudaArena a = (CudaArena) arena;
        ops.run(node, a.address(0), in, out, workspace);
    }

    @Override
    public long workspaceBytes(List<LayeredModel> models, WeightPrecision weights) {
        return ops.workspaceBytes(models, weights.isHalf());
    }

    @Override
    public LayerClock layerClock(int layers) {
        bind();
        return new CudaLayerClock(compute, layers);
    }

    @Override
    public void synchronize() {
        CudaException.check(cudart.cudaStreamSynchronize(compute), "waiting for the compute stream");
        CudaException.check(cudart.cudaGetLastError(), "a kernel of this frame");
    }

    @Override
    public void close() {
        cudart.cudaStreamSynchronize(compute);
        blas.close();
        kernels.close();
        cudart.cudaStreamDestroy(compute);
    }
}
