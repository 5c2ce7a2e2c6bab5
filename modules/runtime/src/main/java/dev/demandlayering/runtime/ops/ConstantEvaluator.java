package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Node;

/** Evaluates a normalised float node on constant inputs at import time (a backend's reference kernels). */
@FunctionalInterface
public interface ConstantEvaluator {
    ConstTensor[] evaluate(Node node, ConstTensor[] inputs, int[][] outputShapes);
}
