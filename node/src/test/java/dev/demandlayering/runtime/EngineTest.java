package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.BudgetTooSmallException;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    @TempDir
    Path tmp;

    private static Map<String, float[]> input(int size) {
        return Map.of("x", TestGraphs.randomInput(11, 3 * size * size));
    }

    @Test
    void streamingAtTheMinimumIsBitIdenticalToFullyResident() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.smallCnn(5, 48), tmp);
        FrameResult all = Pipelines.run(p, Session.Options.of(0, ResidencyMode.ALL), input(48));
        ArenaPlan minPlan = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        FrameResult streamed = Pipelines.run(p, Session.Options.of(minPlan.minimumBytes(), ResidencyMode.NONE), input(48));
        for (String out : p.model().outputs()) {
            assertArrayEquals(all.outputs().get(0).get(out), streamed.outputs().get(0).get(out), "output " + out);
        }
        assertEquals(0, all.stats().bytesRead(), "resident weights are read once at start, not per frame");
        assertEquals(p.model().totalWeightBytes(), streamed.stats().bytesRead());
    }

    @Test
    void peakAccountingIsExact() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.smallCnn(6, 40), tmp);
        ArenaPlan min = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        long largest = ArenaPlanner.slotBytes(p.model().layers().stream().max((a, b) -> Long.compare(a.weightBytes(), b.weightBytes())).orElseThrow());
        assertEquals(min.activationBytes() + largest, min.minimumBytes());
        // at the minimum the ring holds exactly the largest blob at its fullest: peak == minimum
        FrameResult atMin = Pipelines.run(p, Session.Options.of(min.minimumBytes(), ResidencyMode.NONE), input(40));
        assertEquals(min.minimumBytes(), atMin.stats().peakBytes());
        assertEquals(min.minimumBytes(), atMin.stats().arenaBytes());
        FrameResult all = Pipelines.run(p, Session.Options.of(0, ResidencyMode.ALL), input(40));
        long slots = p.model().layers().stream().mapToLong(ArenaPlanner::slotBytes).sum();
        assertEquals(slots + min.activationBytes(), all.stats().peakBytes());
        assertEquals(all.stats().arenaBytes(), all.stats().peakBytes());
        for (long budget = min.minimumBytes(); budget < slots + min.activationBytes() + 8192; budget += 4096 * 3) {
            for (ResidencyMode mode : List.of(ResidencyMode.NONE, ResidencyMode.AUTO)) {
                FrameResult r = Pipelines.run(p, Session.Options.of(budget, mode), input(40));
                assertTrue(r.stats().peakBytes() <= budget, mode + " at " + budget + ": peak " + r.stats().peakBytes());
                assertEquals(budget, r.stats().arenaBytes());
                assertArrayEquals(all.outputs().get(0).get("y"), r.outputs().get(0).get("y"), mode + " at " + budget);
            }
        }
    }

    @Test
    void liveActivationsNeverShareBytes() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.smallCnn(8, 32), tmp);
        ArenaPlan plan = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        ArenaPlan.ModelPlan mp = plan.models().get(0);
        List<Node> nodes = p.model().layers().stream().flatMap(l -> l.nodes().stream()).toList();
        java.util.function.ToLongFunction<String> size = t -> 4L * dev.demandlayering.runtime.graph.Shapes.size(p.model().activationShapes().get(t));
        for (int i = 0; i < nodes.size(); i++) {
            // independent liveness: after node i, every value that a later node or the caller still needs
            java.util.Set<String> live = new java.util.HashSet<>(p.model().inputs().keySet());
            for (int j = 0; j <= i; j++) live.addAll(nodes.get(j).outputs());
            final int step = i;
            live.removeIf(t -> !p.model().outputs().contains(t) && nodes.subList(step + 1, nodes.size()).stream().noneMatch(n -> n.inputs().contains(t)));
            assertDisjoint(List.copyOf(live), mp, size, "after node " + i);
            // during node i: its inputs and outputs are distinct unless the op works in place on a dying input
            Node n = nodes.get(i);
            for (String in : n.inputs()) {
                if (!mp.tensorOffsets().containsKey(in)) continue; // a weight
                for (String out : n.outputs()) {
                    boolean inPlace = mp.tensorOffsets().get(in).equals(mp.tensorOffsets().get(out)) && size.applyAsLong(in) == size.applyAsLong(out)
                            && !live.contains(in);
                    if (!inPlace) assertDisjoint(List.of(in, out), mp, size, n.describe());
                }
            }
            for (String t : live) {
                long end = mp.tensorOffsets().get(t) + size.applyAsLong(t);
                assertTrue(mp.tensorOffsets().get(t) >= plan.activationOffset() && end <= plan.activationOffset() + plan.activationBytes());
            }
        }
    }

    private static void assertDisjoint(List<String> ts, ArenaPlan.ModelPlan mp, java.util.function.ToLongFunction<String> size, String where) {
        for (int a = 0; a < ts.size(); a++) {
            for (int b = a + 1; b < ts.size(); b++) {
                long oa = mp.tensorOffsets().get(ts.get(a)), ob = mp.tensorOffsets().get(ts.get(b));
                assertTrue(oa + size.applyAsLong(ts.get(a)) <= ob || ob + size.applyAsLong(ts.get(b)) <= oa, ts.get(a) + " and " + ts.get(b) + " overlap " + where);
            }
        }
    }

    @Test
    void budgetBelowTheMinimumStatesTheMinimum() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.smallCnn(9, 32), tmp);
        long minimum = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        BudgetTooSmallException e = assertThrows(BudgetTooSmallException.class,
                () -> Pipelines.run(p, Session.Options.of(minimum - 1, ResidencyMode.AUTO), input(32)));
        assertEquals(minimum, e.minimumBytes());
        assertTrue(e.getMessage().contains("minimum of " + minimum + " bytes"), e.getMessage());
    }

    @Test
    void wrongInputShapeNamesTheInput() throws IOException {
        PackFile p = Pipelines.pack(TestGraphs.smallCnn(9, 32), tmp);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.run(p, Session.Options.of(0, ResidencyMode.NONE), Map.of("x", new float[10])));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("[1, 3, 32, 32]") && e.getMessage().contains("got 10"), e.getMessage());
    }

    @Test
    void severalModelsShareOneArenaAndLoaderCrossesModelBoundaries() throws IOException {
        PackFile a = Pipelines.pack(TestGraphs.smallCnn(21, 32), tmp);
        PackFile b = Pipelines.pack(TestGraphs.smallCnn(22, 24), tmp);
        ArenaPlan shared = ArenaPlanner.plan(List.of(a.model(), b.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        ArenaPlan onlyA = ArenaPlanner.plan(List.of(a.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        ArenaPlan onlyB = ArenaPlanner.plan(List.of(b.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        assertEquals(Math.max(onlyA.activationBytes(), onlyB.activationBytes()), shared.activationBytes(), "activation region is shared");
        FrameResult ra = Pipelines.run(a, Session.Options.of(0, ResidencyMode.ALL), input(32));
        FrameResult rb = Pipelines.run(b, Session.Options.of(0, ResidencyMode.ALL), input(24));
        try (Session s = Session.open(List.of(a, b), Session.Options.of(shared.minimumBytes(), ResidencyMode.NONE), new CpuBackend())) {
            for (int frame = 0; frame < 3; frame++) {
                FrameResult r = s.run(List.of(input(32), input(24)));
                assertArrayEquals(ra.outputs().get(0).get("y"), r.outputs().get(0).get("y"), "model a, frame " + frame);
                assertArrayEquals(rb.outputs().get(0).get("y"), r.outputs().get(1).get("y"), "model b, frame " + frame);
                assertEquals(a.model().totalWeightBytes() + b.model().totalWeightBytes(), r.stats().bytesRead());
                assertTrue(r.stats().peakBytes() <= shared.minimumBytes());
            }
        }
    }

    /** A backend whose kernels take at least {@code millis} per weighted layer: compute time under control. */
    private static Backend slowed(int millis) {
        CpuBackend cpu = new CpuBackend();
        return new Backend() {
            public String name() {
                return "slowed-cpu";
            }

            public boolean supports(dev.demandlayering.runtime.graph.Node node) {
                return cpu.supports(node);
            }

            public Arena allocateArena(long bytes) {
                return cpu.allocateArena(bytes);
            }

            public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out) {
                long end = System.nanoTime() + millis * 1_000_000L;
                cpu.execute(node, arena, in, out);
                while (System.nanoTime() < end) Thread.onSpinWait();
            }
        };
    }

    @Test
    void pipelineOverlapsLoadWithCompute() throws IOException {
        int layers = 8;
        PackFile p = Pipelines.pack(TestGraphs.chain(layers, 96, 8), tmp);
        long blob = p.model().layers().get(0).weightBytes(); // 96*96*9*4 + bias ~ 332 KB
        int millis = 25;
        long bandwidth = blob * 1000 / millis; // each load also takes ~25 ms
        long budget = ArenaPlanner.plan(List.of(p.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes() + 2 * blob + 8192;
        Map<String, float[]> in = Map.of("x", TestGraphs.randomInput(1, 96 * 64));
        double sequential = frame(p, budget, false, bandwidth, millis, in);
        double pipelined = frame(p, budget, true, bandwidth, millis, in);
        double sum = layers * 2.0 * millis, max = layers * (double) millis;
        System.out.printf("overlap: sequential %.1f ms (load+compute %.0f), pipelined %.1f ms (max(load,compute) %.0f)%n", sequential, sum, pipelined, max);
        assertTrue(sequential > 0.85 * sum, "sequential should pay load + compute: " + sequential);
        assertTrue(pipelined < 0.75 * sequential, "pipelined " + pipelined + " vs sequential " + sequential);
        assertTrue(pipelined < 1.45 * max, "pipelined " + pipelined + " should approach max(load, compute) " + max);
    }

    private static double frame(PackFile p, long budget, boolean prefetch, long bandwidth, int millis, Map<String, float[]> in) throws IOException {
        Session.Options o = Session.Options.builder().budget(budget).prefetch(prefetch).io(new Engine.Options(true, true, bandwidth)).profileFrames(1).build();
        try (Session s = Session.open(List.of(p), o, slowed(millis))) {
            s.run(List.of(in));
            // idle between frames lets the loader fill the ring: measure the steady state with fresh frames
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 2; i++) best = Math.min(best, s.run(List.of(in)).stats().latencyMs());
            return best;
        }
    }
}
