package dev.demandlayering.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator table: what the passes read from it, and that the CPU backend has a kernel for every row. */
class OperatorsTest {
    @Test
    void theCpuBackendHasAKernelForEveryOperatorAndNoneForOthers() {
        CpuBackend cpu = new CpuBackend();
        for (Operators.Operator op : Operators.all()) {
            assertTrue(cpu.supports(node(op.name())), "no CPU kernel for " + op.name());
        }
        assertFalse(cpu.supports(node("Gelu")));
        assertFalse(cpu.supports(node("Shape"))); // folded away at import, never run
    }

    @Test
    void kindsShapeRulesAndInPlaceAsThePassesNeedThem() {
        assertEquals(Set.of("Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Clip", "Tanh", "Swish", "Mish", HardSwishFuser.OP),
                Operators.names(Operators.Kind.ACTIVATION));
        assertEquals(Set.of("Add", "Sub", "Mul", "Div"), Operators.names(Operators.Kind.ARITHMETIC));
        assertEquals(Operators.ShapeRule.BROADCAST, Operators.get("Mul").shape());
        assertEquals(Operators.ShapeRule.SAME_AS_INPUT, Operators.get("Softmax").shape());
        assertTrue(Operators.inPlace("Reshape") && Operators.inPlace("Clip") && Operators.inPlace("Add"));
        assertFalse(Operators.inPlace("Conv") || Operators.inPlace("Concat") || Operators.inPlace("Unknown"));
        // the fused hard-swish is the engine's own: a model file may not name it
        assertTrue(Operators.get(HardSwishFuser.OP) != null);
        assertFalse(OpSupport.EXECUTABLE.contains(HardSwishFuser.OP));
        assertTrue(OpSupport.EXECUTABLE.containsAll(List.of("Conv", "Resize", "Softmax", "Mish")));
    }

    @Test
    void tfjsNamesThatImportUnchanged() {
        assertEquals("Div", Operators.fromTfjs("RealDiv"));
        assertEquals("Div", Operators.fromTfjs("Div"));
        assertEquals("Relu", Operators.fromTfjs("Relu"));
        assertNull(Operators.fromTfjs("Relu6")); // a Clip with bounds: the TF.js reader translates it
        assertNull(Operators.fromTfjs("AddV2")); // an Add that may carry a bias: likewise
    }

    private static Node node(String op) {
        return new Node(op, "n", List.of("x"), List.of("y"), new Attributes());
    }
}
