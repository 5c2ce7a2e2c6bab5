package dev.demandlayering.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed blobs in idle activation bytes: checked against a liveness computed here from the graphs (not the
 * planner's), on the shipped models alone and sharing one arena, and run frame after frame against fully resident.
 */
class SlackSlotsTest {
    @TempDir
    Path tmp;

    private List<ShippedModel> shipped() throws Exception {
        return List.of(ShippedModel.load("nanodet", tmp), ShippedModel.load("selfie", tmp), ShippedModel.load("meet", tmp));
    }

    @Test
    void slotsNeverOverlapLiveTensorsOrEachOther() throws Exception {
        List<ShippedModel> models = shipped();
        for (ShippedModel m : models) {
            ArenaPlan plan = ArenaPlanner.plan(List.of(m.pack().model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
            int streamed = (int) m.pack().model().layers().stream().filter(Layer::hasWeights).count();
            System.out.printf("%s: %d of %d streamed layers read into idle activation bytes%n", m.manifest().name(), plan.slackLayerCount(), streamed);
            checkSlots(plan);
            assertTrue(plan.slackLayerCount() >= streamed * 0.8, m.manifest().name() + ": only " + plan.slackLayerCount() + " of " + streamed);
        }
        ArenaPlan shared = ArenaPlanner.plan(models.stream().map(s -> s.pack().model()).toList(), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        assertTrue(shared.slackLayerCount() > 0);
        checkSlots(shared);
    }

    @Test
    void sequentialLoadingAndFullResidencyLendNothing() throws Exception {
        LayeredModel m = ShippedModel.load("selfie", tmp).pack().model();
        assertEquals(0, ArenaPlanner.plan(List.of(m), new ArenaPlanner.Request(0, ResidencyMode.NONE, false, null)).slackLayerCount());
        assertEquals(0, ArenaPlanner.plan(List.of(m), ArenaPlanner.Request.of(0, ResidencyMode.ALL)).slackLayerCount());
    }

    @Test
    void threeModelsStreamedThroughOneMinimumArenaEqualResidentFrameAfterFrame() throws Exception {
        List<ShippedModel> models = shipped();
        List<PackFile> packs = models.stream().map(ShippedModel::pack).toList();
        long min = ArenaPlanner.plan(packs.stream().map(PackFile::model).toList(), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();
        try (Session streamed = Session.open(packs, Session.Options.of(min, ResidencyMode.NONE), new CpuBackend());
             Session resident = Session.open(packs, Session.Options.of(0, ResidencyMode.ALL), new CpuBackend())) {
            assertTrue(streamed.plan().slackLayerCount() > 0);
            for (int frame = 0; frame < 4; frame++) {
                // a different input each frame: a blob loaded over a tensor still in use would show in some frame's outputs
                List<Map<String, float[]>> feeds = new ArrayList<>();
                for (ShippedModel m : models) feeds.add(scaled(m.feeds(), 1 - 0.15f * frame));
                FrameResult s = streamed.run(feeds), r = resident.run(feeds);
                for (int mi = 0; mi < models.size(); mi++) {
                    for (String o : packs.get(mi).model().outputs()) {
                        assertArrayEquals(r.outputs().get(mi).get(o), s.outputs().get(mi).get(o), models.get(mi).manifest().name() + " " + o + ", frame " + frame);
                    }
                }
                assertTrue(s.stats().peakBytes() <= min);
            }
        }
    }

    @Test
    void aSlotOpeningTwoLayersAheadMakesTheMinimumComputeBound() {
        int n = 8;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) steps.add(new Step(0, i, 4096, new LayerCost(4, 10)));
        boolean[] none = new boolean[n];
        int[] ring = new int[n];
        java.util.Arrays.fill(ring, -1);
        int[] twoAhead = new int[n];
        for (int i = 0; i < n; i++) twoAhead[i] = Math.floorMod(i - 2, n);
        assertEquals(n * (4 + 10), PipelineSimulator.frameMs(steps, none, 4096, true, ring), 1e-9, "one-blob ring: every load waits for the layer before");
        assertEquals(n * 10, PipelineSimulator.frameMs(steps, none, 4096, true, twoAhead), 1e-9, "slots: loads hide behind compute");
        int[] justBefore = new int[n];
        for (int i = 0; i < n; i++) justBefore[i] = Math.floorMod(i - 1, n);
        assertEquals(n * (4 + 10), PipelineSimulator.frameMs(steps, none, 4096, true, justBefore), 1e-9, "a slot that opens only when the layer before ends hides nothing");
    }

    @Test
    void aReadThatOverlapsComputeTakesItsOverlapFromComputeAndAWaitedReadDoesNot() {
        int n = 8;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) steps.add(new Step(0, i, 4096, new LayerCost(4, 10, 2)));
        boolean[] none = new boolean[n];
        int[] twoAhead = new int[n], ring = new int[n];
        java.util.Arrays.fill(ring, -1);
        for (int i = 0; i < n; i++) twoAhead[i] = Math.floorMod(i - 2, n);
        assertEquals(n * (10 + 2), PipelineSimulator.frameMs(steps, none, 4096, true, twoAhead), 1e-9, "hidden reads: each takes its overlap from compute");
        // a one-blob ring: each read starts when the layer before has computed, so compute waits for all of it
        assertEquals(n * (4 + 10), PipelineSimulator.frameMs(steps, none, 4096, true, ring), 1e-9, "a read compute waits for costs its wall time only");
        assertEquals(n * (4 + 10), PipelineSimulator.frameMs(steps, none, 4096, false, ring), 1e-9, "sequential reads never overlap compute");
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        assertEquals(n * 10, PipelineSimulator.frameMs(steps, all, 0, true, ring), 1e-9, "resident layers read nothing");
    }

    private static Map<String, float[]> scaled(Map<String, float[]> feeds, float k) {
        Map<String, float[]> out = new HashMap<>();
        feeds.forEach((name, v) -> {
            float[] c = v.clone();
            for (int i = 0; i < c.length; i++) c[i] *= k;
            out.put(name, c);
        });
        return out;
    }

    /**
     * Walks one frame as points: per model, its input write, each layer, its output read. A slot holds its bytes from
     * the point after its opening layer to its own layer (across the frame's end when it wraps); a tensor from its
     * writer (the input write for inputs) to its last reader (the output read for outputs). At no point may a slot
     * share a byte with a live tensor or another slot.
     */
    private static void checkSlots(ArenaPlan plan) {
        List<long[]> tensors = new ArrayList<>(); // {offset, bytes, firstPoint, lastPoint}
        List<long[]> slots = new ArrayList<>(); // {offset, bytes, openPoint (exclusive), ownPoint, frameLayer}
        int[] layerPoint = new int[plan.models().stream().mapToInt(m -> m.model().layers().size()).sum()];
        int point = 0, frameLayer = 0;
        for (ArenaPlan.ModelPlan mp : plan.models()) {
            LayeredModel m = mp.model();
            int inputPoint = point++;
            Map<String, Integer> first = new HashMap<>(), last = new HashMap<>();
            for (String in : m.inputs().keySet()) first.put(in, inputPoint);
            for (Layer l : m.layers()) {
                layerPoint[frameLayer + l.index()] = point;
                for (Node n : l.nodes()) {
                    for (String t : n.inputs()) if (mp.tensorOffsets().containsKey(t)) last.put(t, point);
                    for (String t : n.outputs()) first.putIfAbsent(t, point);
                }
                point++;
            }
            int outputPoint = point++;
            for (String o : m.outputs()) last.put(o, outputPoint);
            for (Map.Entry<String, Integer> e : first.entrySet()) {
                long bytes = 4L * Shapes.size(m.activationShapes().get(e.getKey()));
                tensors.add(new long[] {mp.tensorOffsets().get(e.getKey()), bytes, e.getValue(), last.getOrDefault(e.getKey(), e.getValue())});
            }
            for (Layer l : m.layers()) {
                SlackSlots.Slot s = mp.slack()[l.index()];
                if (s == null) continue;
                assertTrue(mp.isStreamed(l.index()), "a slot for a layer that is not streamed: " + l.index());
                long bytes = ArenaPlanner.slotBytes(l, plan.weights());
                assertEquals(0, s.offset() % ArenaPlanner.BLOCK, "slot offsets are block-aligned for O_DIRECT");
                assertTrue(s.offset() >= plan.activationOffset() && s.offset() + bytes <= plan.activationOffset() + plan.activationBytes(),
                        "slot of layer " + l.index() + " outside the activation region");
                slots.add(new long[] {s.offset(), bytes, s.opensAfter(), frameLayer + l.index(), frameLayer + l.index()});
            }
            frameLayer += m.layers().size();
        }
        int points = point;
        for (long[] s : slots) {
            s[2] = layerPoint[(int) s[2]];
            s[3] = layerPoint[(int) s[3]];
        }
        for (int p = 0; p < points; p++) {
            List<long[]> live = new ArrayList<>();
            for (long[] t : tensors) if (t[2] <= p && p <= t[3]) live.add(t);
            List<long[]> lent = new ArrayList<>();
            for (long[] s : slots) if (holds(s, p, points)) lent.add(s);
            for (int i = 0; i < lent.size(); i++) {
                long[] s = lent.get(i);
                for (long[] t : live) assertTrue(!overlaps(s, t), "point " + p + ": slot of frame layer " + s[4] + " overlaps a live tensor");
                for (int j = i + 1; j < lent.size(); j++) assertTrue(!overlaps(s, lent.get(j)), "point " + p + ": two slots overlap");
            }
        }
    }

    /** Whether slot {@code s} holds its bytes at point {@code p}: after its opening point, up to its own, cyclically. */
    private static boolean holds(long[] s, int p, int points) {
        long open = s[2], own = s[3];
        if (open < own) return open < p && p <= own;
        return p > open || p <= own; // opens in the previous frame
    }

    private static boolean overlaps(long[] a, long[] b) {
        return a[0] < b[0] + b[1] && b[0] < a[0] + a[1];
    }
}
