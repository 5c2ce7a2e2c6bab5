package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.Pointer;

/**
 * The CUDA backend's op dispatch ({@link CudaOps}) and kernels (kernels.cu) run on the CPU through
 * {@link KernelEmulator}, over host memory standing in for the device arena: everything of the backend but the
 * CUDA runtime calls (streams, events, copies).
 */
public final class EmulatedCudaBackend implements Backend {
    private final CudaOps ops = new CudaOps(KernelEmulator.launcher());

    @Override
    public String name() {
        return "cuda-emulated";
    }

    @Override
    public Arena allocateArena(long bytes) {
        return new HostArena((int) bytes);
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out) {
        ops.run(node, ((HostArena) arena).base, in, out);
    }

    private static final class HostArena implements Arena {
        final ByteBuffer memory;
        final long base;

        HostArena(int bytes) {
            memory = ByteBuffer.allocateDirect(bytes + 8192).alignedSlice(4096).order(ByteOrder.LITTLE_ENDIAN);
            memory.limit(bytes);
            base = new Pointer(memory).address();
        }

        @Override
        public long size() {
            return memory.limit();
        }

        @Override
        public ByteBuffer weightStaging(long offset, long len) {
            return memory.slice((int) offset, (int) len);
        }

        @Override
        public void commitWeights(long offset, long len) {
        }

        @Override
        public void write(long offset, float[] data) {
            memory.slice((int) offset, 4 * data.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
        }

        @Override
        public float[] read(long offset, int count) {
            float[] f = new float[count];
            memory.slice((int) offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        @Override
        public void close() {
        }
    }
}
