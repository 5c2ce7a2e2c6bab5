package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A convolution's epilogue adds the bias and applies its activation in one pass: the bits of the two passes. */
class ActivationTest {
    @Test
    void biasAndActivationInOnePassGiveTheBitsOfTwo() {
        Random r = new Random(5);
        Object[][] ops = {{"Relu", new Attributes()}, {"LeakyRelu", new Attributes().put("alpha", 0.1f)}, {"LeakyRelu", new Attributes().put("alpha", 3f)},
                {"Clip", new Attributes().put("min", 0f).put("max", 6f)}, {"Sigmoid", new Attributes()}, {"Mish", new Attributes()}};
        for (boolean vector : new boolean[] {false, VectorSupport.enabled()}) {
            for (Object[] op : ops) {
                Activation act = Activation.of(new Node((String) op[0], "act", List.of("x"), List.of("y"), (Attributes) op[1]), vector);
                float[] v = new float[203];
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 4);
                float bias = (float) r.nextGaussian();
                float[] twoPasses = v.clone(), onePass = v.clone();
                for (int i = 3; i < 200; i++) twoPasses[i] += bias;
                act.apply(twoPasses, 3, 197);
                act.applyWithBias(onePass, 3, 197, bias);
                assertArrayEquals(twoPasses, onePass, op[0] + " " + op[1] + (vector ? " on the Vector API" : ""));
            }
        }
    }
}
