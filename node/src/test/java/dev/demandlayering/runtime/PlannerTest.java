package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.LayerCost;
import dev.demandlayering.runtime.plan.ResidencyMode;
import dev.demandlayering.runtime.plan.RingAllocator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner's decisions from supplied per-layer costs: deterministic, no timing involved. */
class PlannerTest {
    private static LayeredModel chain() {
        return LayerBuilder.build(ModelImporter.normalize(TestGraphs.chain(8, 64, 8), "chain")).model();
    }

    private static Map<String, LayerCost> costs(int layers, double load, double compute, int slowLayer, double slowLoad) {
        Map<String, LayerCost> c = new HashMap<>();
        for (int i = 0; i < layers; i++) c.put(ArenaPlanner.key(0, i), new LayerCost(i == slowLayer ? slowLoad : load, compute));
        return c;
    }

    private static ArenaPlan plan(LayeredModel m, long budget, ResidencyMode mode, boolean prefetch, Map<String, LayerCost> c) {
        return ArenaPlanner.plan(List.of(m), new ArenaPlanner.Request(budget, mode, prefetch, c));
    }

    @Test
    void simulatorMatchesClosedFormsAtTheExtremes() {
        LayeredModel m = chain();
        Map<String, LayerCost> c = costs(8, 4, 10, -1, 0);
        assertEquals(8 * (4 + 10), plan(m, 0, ResidencyMode.NONE, false, c).predictedFrameMs(), 1e-9, "sequential: load + compute per layer");
        assertEquals(8 * 10, plan(m, 0, ResidencyMode.ALL, true, c).predictedFrameMs(), 1e-9, "resident: compute only");
        // equal blobs and a one-blob ring (the minimum): each load waits for the previous layer to free the ring
        ArenaPlan min = plan(m, 0, ResidencyMode.NONE, true, c);
        assertEquals(8 * (4 + 10), min.predictedFrameMs(), 1e-9);
        // a double-buffered ring, the loader running into the next frame: compute-bound
        long twoBlobs = min.minimumBytes() + ArenaPlanner.slotBytes(m.layers().get(0));
        assertEquals(8 * 10, plan(m, twoBlobs, ResidencyMode.NONE, true, c).predictedFrameMs(), 1e-9);
        // load-bound: the loader is the bottleneck in steady state
        assertEquals(8 * 30, plan(m, twoBlobs, ResidencyMode.NONE, true, costs(8, 30, 10, -1, 0)).predictedFrameMs(), 1e-9);
    }

    @Test
    void aPlanIsPredictedAgainAsItIsWithOtherCosts() {
        LayeredModel m = chain();
        Map<String, LayerCost> c = costs(8, 5, 10, 5, 200);
        long min = plan(m, 0, ResidencyMode.NONE, true, null).minimumBytes(), slot = ArenaPlanner.slotBytes(m.layers().get(0));
        for (ArenaPlan p : List.of(plan(m, 0, ResidencyMode.NONE, false, c), plan(m, min, ResidencyMode.NONE, true, c),
                plan(m, min + 3 * slot, ResidencyMode.AUTO, true, c), plan(m, 0, ResidencyMode.ALL, true, c))) {
            assertEquals(p.predictedFrameMs(), ArenaPlanner.predict(p, c), 1e-9, "the plan's own costs give its own prediction");
        }
        // the same plan with every load ten times slower, on a one-blob ring: each load waits for the layer before
        ArenaPlan ring = plan(m, min, ResidencyMode.NONE, true, c);
        assertEquals(8 * (50 + 10), ArenaPlanner.predict(ring, costs(8, 50, 10, -1, 0)), 1e-9);
    }

    @Test
    void tradeOffKeepsTheLoadBoundLayerResident() {
        LayeredModel m = chain();
        long slot = ArenaPlanner.slotBytes(m.layers().get(0));
        ArenaPlan min = plan(m, 0, ResidencyMode.NONE, true, null);
        Map<String, LayerCost> c = costs(8, 5, 10, 5, 200);
        ArenaPlan oneExtra = plan(m, min.minimumBytes() + slot + slot, ResidencyMode.AUTO, true, c);
        assertTrue(oneExtra.models().get(0).isResident(5), "the layer that takes 200 ms to load should stay resident");
        assertEquals(slot, oneExtra.residentBytes());
        ArenaPlan none = plan(m, min.minimumBytes() + slot + slot, ResidencyMode.NONE, true, c);
        double streamedAll = ArenaPlanner.plan(List.of(m), new ArenaPlanner.Request(none.arenaBytes(), ResidencyMode.NONE, true, c)).predictedFrameMs();
        assertTrue(oneExtra.predictedFrameMs() < streamedAll, oneExtra.predictedFrameMs() + " vs " + streamedAll);
    }

    @Test
    void theBudgetLeftKeepsLayersResidentEvenWhenLoadsAlreadyHide() {
        LayeredModel m = chain();
        long slot = ArenaPlanner.slotBytes(m.layers().get(0));
        long budget = plan(m, 0, ResidencyMode.NONE, true, null).minimumBytes() + 3 * slot;
        ArenaPlan p = plan(m, budget, ResidencyMode.AUTO, true, costs(8, 1, 10, -1, 0));
        assertEquals(8 * 10, p.predictedFrameMs(), 1e-9, "compute-bound: every load hides");
        // a read also costs CPU time, which the prediction does not count: granted memory is not left idle
        assertTrue(p.residentBytes() >= slot, "resident bytes " + p.residentBytes());
        assertTrue(p.residentBytes() + p.activationBytes() + p.ringBytes() <= budget);
    }

    @Test
    void predictedLatencyNeverRisesWithMoreBudget() {
        LayeredModel m = chain();
        Map<String, LayerCost> c = costs(8, 18, 10, 2, 60);
        ArenaPlan min = plan(m, 0, ResidencyMode.NONE, true, null);
        ArenaPlan all = plan(m, 0, ResidencyMode.ALL, true, null);
        double previous = Double.MAX_VALUE;
        for (long b = min.minimumBytes(); b <= all.arenaBytes(); b += ArenaPlanner.slotBytes(m.layers().get(0)) / 2) {
            ArenaPlan p = plan(m, b, ResidencyMode.AUTO, true, c);
            assertTrue(p.residentBytes() + p.activationBytes() + p.ringBytes() <= b, "plan exceeds budget " + b);
            assertTrue(p.predictedFrameMs() <= previous + 1e-9, "budget " + b + ": " + p.predictedFrameMs() + " > " + previous);
            previous = p.predictedFrameMs();
        }
        assertEquals(80, previous, 1e-9, "fully resident: compute only");
    }

    @Test
    void ringWrapsAndCountsTheSkippedTail() {
        RingAllocator r = new RingAllocator(100);
        assertEquals(0, r.tryAllocate(40));
        assertEquals(40, r.tryAllocate(40));
        assertEquals(-1, r.tryAllocate(30), "only 20 bytes left before the end, and the start is in use");
        r.releaseOldest();
        assertEquals(0, r.tryAllocate(30), "wraps to the start, skipping 20 bytes");
        assertEquals(40 + 20 + 30, r.usedBytes(), "the live blob, the skipped tail and the new blob");
        assertEquals(90, r.highWater());
        assertEquals(-1, r.tryAllocate(11));
        r.releaseOldest();
        assertFalse(r.isEmpty());
        assertEquals(30, r.usedBytes());
    }
}
