package dev.demandlayering.runtime.ops;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Which operators the runtime accepts, and which of those it executes after import-time rewriting. */
public final class OpSupport {
    private OpSupport() {
    }

    /** Ops the engine executes as a model file may contain them (the normalised form every importer produces): {@link Operators}. */
    public static final Set<String> EXECUTABLE = Operators.importableNames();

    /** Ops accepted at import: executable ones, ones rewritten into them, and shape arithmetic folded away. */
    public static final Set<String> IMPORTABLE;

    static {
        Set<String> s = new TreeSet<>(EXECUTABLE);
        s.addAll(List.of("Constant", "Shape", "Identity", "Dropout", "Flatten", "Squeeze", "Unsqueeze", "Upsample",
                "Cast", "Gather", "ConstantOfShape", "Sum", "SparseToDense"));
        IMPORTABLE = java.util.Collections.unmodifiableSet(s);
    }

    /** Ops that may be evaluated on integer constants during import (shape arithmetic). */
    static final Set<String> INTEGER_FOLDABLE = Set.of("Shape", "Gather", "Concat", "Unsqueeze", "Squeeze", "Reshape",
            "Flatten", "Slice", "Cast", "Add", "Sub", "Mul", "Div", "ConstantOfShape", "Identity", "Transpose", "Split", "SparseToDense");

    public static String supportedList() {
        return String.join(", ", IMPORTABLE);
    }
}
