package dev.demandlayering.runtime.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one table of the operators the engine runs (the normalised form every importer produces): what each is,
 * the rule its output shape follows, whether it may write its output over its input, and the names other formats
 * give it. Shape inference, the layout-transpose sinking, the activation planner, the importers and the backends'
 * kernel tables read it; a backend says which of them it has kernels for ({@code Backend.supports}), asked when a
 * session is planned. A new element-wise activation is one {@link #ACTIVATION} row here plus its kernels.
 */
public final class Operators {
    /** What an operator does, as far as the passes that treat operators alike need to know. */
    public enum Kind {
        /** Element-wise on one tensor: same shape out, layout-agnostic, fusable into the producing kernel's epilogue. */
        ACTIVATION,
        /** Element-wise on two tensors with broadcasting. */
        ARITHMETIC,
        /** Convolutions and matrix products: the layers that carry weights. */
        PRODUCT,
        /** Pooling windows and whole-plane pooling. */
        POOLING,
        /** Copies and views: reshape, concat, split, slice, transpose, pad. */
        DATA_MOVEMENT,
        /** Everything else: one kernel each. */
        OTHER
    }

    /** How the first output's shape follows from the inputs. */
    public enum ShapeRule {
        /** The first input's shape. */
        SAME_AS_INPUT,
        /** The broadcast of the first two inputs' shapes. */
        BROADCAST,
        /** A rule of its own ({@link ShapeInference}). */
        OWN
    }

    /**
     * One operator. {@code inPlace}: its output may share its first input's bytes (the activation planner reuses
     * them where nothing else reads the input). {@code internal}: made by the engine's own passes, never accepted
     * from a model file. {@code tfjsNames}: TF.js op names that import as this operator unchanged, inputs and
     * attributes alike.
     */
    public record Operator(String name, Kind kind, ShapeRule shape, boolean inPlace, boolean internal, Set<String> tfjsNames) {
    }

    private static final Map<String, Operator> TABLE = new LinkedHashMap<>();

    static {
        for (String a : List.of("Relu", "Sigmoid", "Tanh")) add(a, Kind.ACTIVATION, ShapeRule.SAME_AS_INPUT, true, a);
        for (String a : List.of("LeakyRelu", "HardSigmoid", "HardSwish", "Clip", "Swish", "Mish")) add(a, Kind.ACTIVATION, ShapeRule.SAME_AS_INPUT, true);
        // Keras's hard-swish chain, fused after normalisation (HardSwishFuser); never in exported ONNX
        TABLE.put(HardSwishFuser.OP, new Operator(HardSwishFuser.OP, Kind.ACTIVATION, ShapeRule.SAME_AS_INPUT, true, true, Set.of()));
        add("Add", Kind.ARITHMETIC, ShapeRule.BROADCAST, true);
        add("Sub", Kind.ARITHMETIC, ShapeRule.BROADCAST, true, "Sub");
        add("Mul", Kind.ARITHMETIC, ShapeRule.BROADCAST, true, "Mul");
        add("Div", Kind.ARITHMETIC, ShapeRule.BROADCAST, true, "Div", "RealDiv");
        for (String p : List.of("Conv", "ConvTranspose", "Gemm", "MatMul")) add(p, Kind.PRODUCT, ShapeRule.OWN, false);
        for (String p : List.of("MaxPool", "AveragePool", "GlobalAveragePool")) add(p, Kind.POOLING, ShapeRule.OWN, false);
        add("Reshape", Kind.DATA_MOVEMENT, ShapeRule.OWN, true);
        for (String d : List.of("Concat", "Split", "Slice", "Transpose", "Pad")) add(d, Kind.DATA_MOVEMENT, ShapeRule.OWN, false);
        add("BatchNormalization", Kind.OTHER, ShapeRule.SAME_AS_INPUT, false);
        add("Softmax", Kind.OTHER, ShapeRule.SAME_AS_INPUT, false);
        add("Resize", Kind.OTHER, ShapeRule.OWN, false);
    }

    private Operators() {
    }

    private static void add(String name, Kind kind, ShapeRule shape, boolean inPlace, String... tfjsNames) {
        TABLE.put(name, new Operator(name, kind, shape, inPlace, false, Set.of(tfjsNames)));
    }

    /** The operator named {@code opType}, or null where the engine runs no such operator. */
    public static Operator get(String opType) {
        return TABLE.get(opType);
    }

    public static boolean is(String opType, Kind kind) {
        Operator op = TABLE.get(opType);
        return op != null && op.kind() == kind;
    }

    /** Whether {@code opType}'s output may be written over its first input. */
    public static boolean inPlace(String opType) {
        Operator op = TABLE.get(opType);
        return op != null && op.inPlace();
    }

    /** Every operator the engine runs, in the table's order. */
    public static List<Operator> all() {
        return List.copyOf(TABLE.values());
    }

    /** The names of the operators of one kind. */
    public static Set<String> names(Kind kind) {
        return TABLE.values().stream().filter(o -> o.kind() == kind).map(Operator::name).collect(Collectors.toUnmodifiableSet());
    }

    /** The operator a TF.js op imports as unchanged, or null where the TF.js reader translates it itself. */
    public static String fromTfjs(String tfjsOp) {
        for (Operator o : TABLE.values()) if (o.tfjsNames().contains(tfjsOp)) return o.name();
        return null;
    }

    /** The operators a model file may contain as they are (every one but the engine's internal ones), sorted. */
    public static Set<String> importableNames() {
        Set<String> names = new TreeSet<>();
        for (Operator o : TABLE.values()) if (!o.internal()) names.add(o.name());
        return Collections.unmodifiableSet(names);
    }
}
