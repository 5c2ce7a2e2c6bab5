package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Region;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend without a kernel for one of a model's operators is refused when the session is planned, naming the layer. */
class KernelSupportTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingKernelFailsAtPlanTimeNamingTheBackendTheOperatorAndTheLayer() throws Exception {
        ShippedModel meet = ShippedModel.load("meet", tmp);
        Layer first = meet.pack().model().layers().stream().filter(l -> l.nodes().stream().anyMatch(n -> n.opType().equals("ConvTranspose")))
                .findFirst().orElseThrow();
        Node convTranspose = first.nodes().stream().filter(n -> n.opType().equals("ConvTranspose")).findFirst().orElseThrow();
        WithoutOne backend = new WithoutOne("ConvTranspose");
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class,
                () -> Session.open(List.of(meet.pack()), Session.Options.of(0, ResidencyMode.NONE), backend));
        assertEquals("the cpu-without-ConvTranspose backend has no kernel for " + convTranspose.describe() + " in layer " + first.index() + " ('"
                + first.name() + "') of model '" + meet.pack().model().name() + "'; run the model on a backend that has one (backend cpu runs every operator)",
                e.getMessage());
        assertEquals(0, backend.executed.get(), "nothing ran before the refusal");
        assertEquals(0, backend.arenas.get(), "no arena was allocated before the refusal");
        // the same backend runs a model whose operators it has
        try (Session s = Session.open(List.of(ShippedModel.load("selfie", tmp).pack()), Session.Options.of(0, ResidencyMode.NONE), new WithoutOne("Gelu"))) {
            assertTrue(s.plan().arenaBytes() > 0);
        }
    }

    /** The CPU backend with one operator's kernel taken away. */
    private static final class WithoutOne implements Backend {
        private final CpuBackend cpu = new CpuBackend();
        private final String missing;
        final AtomicInteger executed = new AtomicInteger(), arenas = new AtomicInteger();

        WithoutOne(String missing) {
            this.missing = missing;
        }

        @Override
        public String name() {
            return "cpu-without-" + missing;
        }

        @Override
        public boolean supports(Node node) {
            return !node.opType().equals(missing) && cpu.supports(node);
        }

        @Override
        public Arena allocateArena(long bytes) {
            arenas.incrementAndGet();
            return cpu.allocateArena(bytes);
        }

        @Override
        public void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs) {
            executed.incrementAndGet();
            cpu.execute(node, arena, inputs, outputs);
        }

        @Override
        public void execute(Node node, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
            executed.incrementAndGet();
            cpu.execute(node, arena, inputs, outputs, workspace);
        }

        @Override
        public boolean fusesActivation(Node node, Node activation) {
            return cpu.fusesActivation(node, activation);
        }

        @Override
        public void execute(Node node, Node activation, Arena arena, TensorRef[] inputs, TensorRef[] outputs, Region workspace) {
            executed.incrementAndGet();
            cpu.execute(node, activation, arena, inputs, outputs, workspace);
        }
    }
}
