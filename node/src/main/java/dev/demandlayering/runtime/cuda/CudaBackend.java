package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/**
 * The CUDA backend: one device arena ({@link CudaArena}), every kernel on one compute stream, weights copied in
 * on a second stream. Kernels are this package's kernels.cu (NVRTC), each the GPU twin of the CPU backend's
 * kernel for the op; launches are asynchronous and the host waits only when it reads an output.
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final CudaModule kernels;
    private final CudaOps ops;
    private final CUstream_st compute = new CUstream_st();
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);

    private CudaBackend(CudaDevice device) {
        this.device = device;
        CudaException.check(cudart.cudaSetDevice(device.index()), "cudaSetDevice(" + device.index() + ")");
        CudaException.check(cudart.cudaFree(null), "creating the CUDA context");
        CudaException.check(cudart.cudaStreamCreateWithFlags(compute, cudart.cudaStreamNonBlocking), "creating the compute stream");
        kernels = new CudaModule(device);
        ops = new CudaOps((name, gx, gy, bx, by, args) -> kernels.launch(name, gx, gy, bx, by, compute, args));
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
        bind();
        ops.run(node, ((CudaArena) arena).address(0), in, out);
    }

    @Override
    public void synchronize() {
        CudaException.check(cudart.cudaStreamSynchronize(compute), "waiting for the compute stream");
        CudaException.check(cudart.cudaGetLastError(), "a kernel of this frame");
    }

    @Override
    public void close() {
        cudart.cudaStreamSynchronize(compute);
        kernels.close();
        cudart.cudaStreamDestroy(compute);
    }
}
