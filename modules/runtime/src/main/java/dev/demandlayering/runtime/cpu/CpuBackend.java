package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.HalfWeights;
import dev.demandlayering.runtime.exec.Region;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.Fp16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The pure-Java backend: an off-heap arena and the kernels in this package, using all cores. Convolutions on
 * the GEMM path, Gemm and MatMul read float16 weights as they are; other float16 weights are widened to
 * float32 in the arena's workspace just before their node runs.
 */
public final class CpuBackend implements Backend {
    private final boolean nativeGemm, vector;

    /**
     * The plane kernels on the Vector API where the JVM and CPU allow, convolutions too on a 512-bit CPU ({@link
     * VectorSupport}), the other products on OpenBLAS where it loads (convolutions too, without the Vector API's
     * GEMM), else the Java loops.
     */
    public CpuBackend() {
        this(NativeBlas.available(), VectorSupport.enabled());
    }

    private CpuBackend(boolean nativeGemm, boolean vector) {
        this.nativeGemm = nativeGemm;
        this.vector = nativeGemm && vector;
    }

    /** Every kernel in Java, OpenBLAS or not: the reference the native products are compared with. */
    public static CpuBackend javaKernels() {
        return new CpuBackend(false, false);
    }

    /** Every kernel on OpenBLAS or the Java loops even where the Vector API runs: no Vector API code at all. */
    public static CpuBackend openBlasConvolutions() {
        return new CpuBackend(NativeBlas.available(), false);
    }

    /** What the products run on: the Vector API and OpenBLAS, OpenBLAS, or the Java loops and why. */
    public String compute() {
        if (!nativeGemm) return NativeBlas.available() ? "Java loops (chosen)" : NativeBlas.describe();
        String why = VectorSupport.unavailable();
        if (!vector) return NativeBlas.describe() + (why == null ? " (Vector API not chosen)" : " (Vector API: " + why + ")");
        int bits = VectorSupport.bits();
        if (!VectorSupport.gemm()) {
            return "plane kernels on the Java Vector API (" + bits + "-bit), convolutions and other products on " + NativeBlas.describe()
                    + " (Vector API GEMM: " + VectorSupport.gemmUnavailable() + ")";
        }
        return bits == 512 ? "convolutions and plane kernels on the Java Vector API (512-bit), other products on " + NativeBlas.describe()
                : "plane kernels and convolutions of up to " + VectorConv.NARROW_MAX_CHANNELS + " output channels per group on the Java Vector API ("
                        + bits + "-bit), wider convolutions and other products on " + NativeBlas.describe();
    }

    /** Whether every convolution runs on the Vector API's GEMM, which sums each output in k order whatever the tiling. */
    public boolean vectorConvolutions() {
        return vector && VectorSupport.gemm() && VectorSupport.bits() == 512;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean supports(Node node) {
        return CpuKernels.has(node.opType());
    }

    @Override
    public Arena allocateArena(long bytes) {
        if (bytes > Integer.MAX_VALUE - 4096) {
            throw new IllegalArgumentException("the CPU arena is limited to 2 GiB; asked for " + bytes + " bytes");
        }
        return new CpuArena((int) bytes, nativeGemm, vector);
    }

    @Override
    public long workspaceBytes(List<LayeredModel> models, WeightPrecision weights) {
        return weights.isHalf() ? HalfWeights.widenBytes(models, CpuBackend::widened) : 0;
    }

    /**
     * Float16 inputs the kernels read as float32: all but the B operand of Gemm and MatMul and the weights of a
     * convolution on the GEMM path, which the kernels read as they are.
     */
    static boolean widened(Node n, int index, int[] shape) {
        if (index != 1) return true;
        return switch (n.opType()) {
            case "Gemm", "MatMul" -> false;
            case "Conv" -> !ConvKernel.gemmWeights(shape, n.attributes().getInt("group", 1));
            default -> true;
        };
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
        execute(node, arena, HalfWeights.widen(node, inputs, workspace.offset(), CpuBackend::widened, ((CpuArena) arena)::widen), outputs);
    }

    @Override
    public double loaderCpuShare() {
        return 1.0 / Parallel.threads();
    }

    @Override
    public boolean fusesActivation(Node node, Node activation) {
        return CpuKernels.fuses(node, activation);
    }

    @Override
    public void execute(Node node, Node activation, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
        TensorRef[] in = HalfWeights.widen(node, inputs, workspace.offset(), CpuBackend::widened, ((CpuArena) arena)::widen);
        CpuKernels.run(node, activation, views((CpuArena) arena, node, in), views((CpuArena) arena, node, outputs));
    }

    @Override
    public void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs) {
        CpuKernels.run(node, views((CpuArena) arena, node, inputs), views((CpuArena) arena, node, outputs));
    }

    private static TensorView[] views(CpuArena a, Node node, TensorRef[] refs) {
        TensorView[] v = new TensorView[refs.length];
        for (int i = 0; i < v.length; i++) {
            if (refs[i].half() && widened(node, i, refs[i].shape())) {
                throw new IllegalStateException(node.describe() + ": float16 weights need the plan's workspace to be widened in");
            }
            v[i] = a.view(refs[i]);
        }
        return v;
    }

    /** A direct (off-heap) buffer aligned to 4096 bytes for O_DIRECT reads straight into weight slots. */
    static final class CpuArena implements Arena {
        private final ByteBuffer memory;
        /** The native address of byte 0, for kernels that read the arena in place. */
        private final long address;
        private final boolean vector;

        CpuArena(int bytes, boolean nativeGemm, boolean vector) {
            this.vector = vector;
            memory = ByteBuffer.allocateDirect(bytes + 8192).alignedSlice(4096).order(ByteOrder.LITTLE_ENDIAN);
            memory.limit(bytes);
            // without an address the kernels take their Java loops
            address = nativeGemm ? NativeMemory.address(memory) : 0;
        }

        /** Float16 values at {@code from} as float32 at {@code to}. */
        void widen(TensorRef from, TensorRef to) {
            int n = (int) Shapes.size(from.shape());
            java.nio.ShortBuffer src = memory.slice((int) from.offset(), 2 * n).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            java.nio.FloatBuffer dst = memory.slice((int) to.offset(), 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < n; i++) dst.put(i, Fp16.toFloat(src.get(i)));
        }

        TensorView view(TensorRef r) {
            if (r.half()) {
                int n = (int) Shapes.size(r.shape());
                return new TensorView(null, r.shape(), memory.slice((int) r.offset(), 2 * n).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer(), 0, vector);
            }
            int len = (int) (4 * Shapes.size(r.shape()));
            return new TensorView(memory.slice((int) r.offset(), len).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), r.shape(), null,
                    address == 0 ? 0 : address + r.offset(), vector);
        }

        @Override
        public long size() {
            return memory.limit();
        }

        @Override
        public ByteBuffer weightStaging(long offset, long len) {
            if (offset + len > memory.limit()) throw new IllegalArgumentException("weights [" + offset + ", " + (offset + len) + ") outside the arena");
            return memory.slice((int) offset, (int) len);
        }

        @Override
        public void commitWeights(long offset, long len) {
            // kernels read the arena directly: nothing to copy
        }

        @Override
        public void write(long offset, float[] data) {
            memory.slice((int) offset, data.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
        }

        @Override
        public float[] read(long offset, int count) {
            float[] f = new float[count];
            memory.slice((int) offset, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        @Override
        public void close() {
            // direct memory is freed with the buffer
        }
    }
}
