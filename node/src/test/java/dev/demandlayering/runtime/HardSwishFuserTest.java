package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.ops.HardSwishFuser;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keras's hard-swish chain (Mul 1/6, Add 3, Clip 0..6, Mul) becomes one FusedHardSwish node: on the shipped
 * segmenters every chain is fused, the scalar-constant layers go, and the outputs keep their bits; a chain whose
 * intermediate something else reads, or whose two branches start from different tensors, is left alone.
 */
class HardSwishFuserTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"selfie, 11, 22", "meet, 11, 22"})
    void theSegmentersChainsAreFusedAndTheOutputsKeepTheirBits(String name, int chains, int layersGone) throws Exception {
        ShippedModel model = ShippedModel.load(name, tmp);
        Graph normalized = ModelImporter.normalize(ModelImporter.read(model.modelFile()), name);
        PackFile plain = pack(LayerBuilder.build(normalized), "plain");
        LayeredModel fused = model.pack().model();
        assertEquals(chains, fused.layers().stream().flatMap(l -> l.nodes().stream()).filter(n -> n.opType().equals(HardSwishFuser.OP)).count());
        assertEquals(plain.model().layers().size() - layersGone, fused.layers().size());
        for (ResidencyMode mode : List.of(ResidencyMode.ALL, ResidencyMode.NONE)) {
            FrameResult a = Pipelines.run(plain, Session.Options.of(0, mode), model.feeds());
            FrameResult b = Pipelines.run(model.pack(), Session.Options.of(0, mode), model.feeds());
            for (String o : fused.outputs()) assertArrayEquals(a.outputs().get(0).get(o), b.outputs().get(0).get(o), name + " " + mode + " " + o);
        }
    }

    @Test
    void aChainIsFusedOnlyWhenNothingElseReadsItsSteps() {
        Graph g = chain("x", false);
        HardSwishFuser.fuse(g);
        assertEquals(List.of(HardSwishFuser.OP), g.nodes().stream().map(Node::opType).toList());
        Node f = g.nodes().get(0);
        assertEquals(List.of("x"), f.inputs());
        assertEquals(0.16662598f, f.attributes().getFloat("alpha", 0f));
        assertEquals(3f, f.attributes().getFloat("beta", 0f));
        assertEquals(6f, f.attributes().getFloat("max", 0f));
        assertTrue(g.constants().isEmpty(), "the scalar constants go with the chain");
        assertFalse(g.shapes().containsKey("clipped"));

        Graph read = chain("x", true); // the Clip's output is a model output too
        HardSwishFuser.fuse(read);
        assertEquals(4, read.nodes().size());

        Graph other = chain("z", false); // Add(z, 3): not the Mul's tensor
        HardSwishFuser.fuse(other);
        assertEquals(4, other.nodes().size());
    }

    private PackFile pack(LayerBuilder.Result r, String name) throws Exception {
        Path p = tmp.resolve(name + ".dlp");
        PackWriter.write(r, p, false);
        return PackFile.open(p);
    }

    /** y = Mul(Mul(x, 1/6), Clip(Add(added, 3), 0, 6)) on [1, 4, 3, 3]. */
    private static Graph chain(String added, boolean clipIsOutput) {
        Graph g = new Graph("chain");
        int[] shape = {1, 4, 3, 3};
        for (String in : List.of("x", "z")) {
            g.inputs().put(in, shape);
            g.shapes().put(in, shape);
        }
        g.constants().put("sixth", ConstTensor.ofFloats(new int[] {}, new float[] {0.16662598f}));
        g.constants().put("three", ConstTensor.ofFloats(new int[] {1}, new float[] {3f}));
        g.nodes().add(new Node("Mul", "mul", List.of("sixth", "x"), List.of("scaled"), new Attributes()));
        g.nodes().add(new Node("Add", "add", List.of(added, "three"), List.of("shifted"), new Attributes()));
        g.nodes().add(new Node("Clip", "relu6", List.of("shifted"), List.of("clipped"), new Attributes().put("min", 0f).put("max", 6f)));
        g.nodes().add(new Node("Mul", "mul_1", List.of("scaled", "clipped"), List.of("y"), new Attributes()));
        for (String t : List.of("scaled", "shifted", "clipped", "y")) g.shapes().put(t, shape);
        g.outputs().add("y");
        if (clipIsOutput) g.outputs().add("clipped");
        return g;
    }
}
