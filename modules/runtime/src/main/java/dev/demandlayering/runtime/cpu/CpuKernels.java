package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.ops.Operators;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.ops.ConstantEvaluator;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/** The CPU backend's kernel table, and a constant evaluator built on it for import-time folding. */
public final class CpuKernels {
    private static final Map<String, Kernel> TABLE = new HashMap<>();

    static {
        Kernel unary = new UnaryKernel(), binary = new BinaryKernel(), copy = new CopyKernels(), pool = new PoolKernel();
        Kernel mm = new MatMulKernel(), misc = new MiscKernels();
        for (String op : Activation.OPS) TABLE.put(op, unary);
        for (String op : Operators.names(Operators.Kind.ARITHMETIC)) TABLE.put(op, binary);
        for (String op : Operators.names(Operators.Kind.DATA_MOVEMENT)) TABLE.put(op, copy);
        for (String op : Operators.names(Operators.Kind.POOLING)) TABLE.put(op, pool);
        TABLE.put("Gemm", mm);
        TABLE.put("MatMul", mm);
        TABLE.put("Softmax", misc);
        TABLE.put("BatchNormalization", misc);
        TABLE.put("Conv", new ConvKernel());
        TABLE.put("ConvTranspose", new ConvTransposeKernel());
        TABLE.put("Resize", new ResizeKernel());
    }

    private CpuKernels() {
    }

    /** Whether the CPU backend has a kernel for {@code opType}. */
    static boolean has(String opType) {
        return TABLE.containsKey(opType);
    }

    /** Whether the kernel of {@code node} can apply {@code activation} in its epilogue. */
    static boolean fuses(Node node, Node activation) {
        Kernel k = TABLE.get(node.opType());
        return k != null && Activation.OPS.contains(activation.opType()) && k.fuses(node);
    }

    /** Runs {@code node} and then {@code activation} on its output in one kernel ({@link #fuses}). */
    static void run(Node node, Node activation, TensorView[] inputs, TensorView[] outputs) {
        long t0 = OpProfile.INSTANCE == null ? 0 : System.nanoTime();
        TABLE.get(node.opType()).run(node, Activation.of(activation, inputs[0].vector()), inputs, outputs);
        if (OpProfile.INSTANCE != null) OpProfile.INSTANCE.add(node, inputs, System.nanoTime() - t0);
    }

    public static void run(Node node, TensorView[] inputs, TensorView[] outputs) {
        Kernel k = TABLE.get(node.opType());
        if (k == null) throw new IllegalStateException("the CPU backend has no kernel for " + node.describe());
        if (OpProfile.INSTANCE == null) {
            k.run(node, inputs, outputs);
            return;
        }
        long t0 = System.nanoTime();
        k.run(node, inputs, outputs);
        OpProfile.INSTANCE.add(node, inputs, System.nanoTime() - t0);
    }

    /** Folds constant sub-graphs at import with the same kernels that run them. */
    public static final ConstantEvaluator EVALUATOR = (node, inputs, outShapes) -> {
        TensorView[] in = new TensorView[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i] == null ? null : new TensorView(FloatBuffer.wrap(inputs[i].floats()), inputs[i].shape());
        }
        TensorView[] out = new TensorView[outShapes.length];
        for (int i = 0; i < out.length; i++) out[i] = TensorView.heap(outShapes[i]);
        run(node, in, out);
        ConstTensor[] r = new ConstTensor[out.length];
        for (int i = 0; i < r.length; i++) r[i] = ConstTensor.ofFloats(outShapes[i], out[i].data().array());
        return r;
    };
}
