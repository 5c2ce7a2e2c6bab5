package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.LayerCost;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trade-off plan made with costs that do not hold (loads said to be free, on a disk that reads 10 MiB/s, slow enough
 * that loads stall even when a busy machine slows compute down):
 * the measured frame time leaves the prediction, the session re-plans with what it measured, keeps layers
 * resident, and the outputs stay the same.
 */
class DriftReplanTest {
    @TempDir
    Path tmp;

    @Test
    void wrongCostsAreReplacedByMeasuredOnesAndTheLayersThatStallStayResident() throws Exception {
        ShippedModel nanodet = ShippedModel.load("nanodet", tmp);
        PackFile pack = nanodet.pack();
        ArenaPlan min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE));
        ArenaPlan all = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.ALL));
        long budget = min.minimumBytes() + (all.arenaBytes() - min.minimumBytes()) * 2 / 5;
        Map<String, LayerCost> claimed = new HashMap<>();
        for (Layer l : pack.model().layers()) claimed.put(ArenaPlanner.key(0, l.index()), new LayerCost(0, 1));
        Session.Options o = Session.Options.builder().budget(budget).mode(ResidencyMode.AUTO).io(new Engine.Options(true, true, 10L << 20)).costs(claimed).build();
        try (Session s = Session.open(List.of(pack), o, new CpuBackend())) {
            assertEquals(0, s.plan().residentLayerCount(), "free loads: nothing is worth keeping resident");
            FrameResult first = s.run(List.of(nanodet.feeds()));
            double predictedBefore = s.predictedFrameMs();
            for (int i = 1; i < DriftMonitor.FRAMES; i++) s.run(List.of(nanodet.feeds()));
            assertEquals(1, s.replans(), "the third frame far from the prediction re-plans");
            assertTrue(s.plan().residentLayerCount() > 0, "measured loads make stalling layers resident");
            assertTrue(s.plan().arenaBytes() <= budget, "the new plan stays within the budget");
            FrameResult after = s.run(List.of(nanodet.feeds()));
            System.out.printf("drift: predicted %.1f ms with the claimed costs, measured %.1f ms; re-planned: %d resident layers, predicted %.1f ms, "
                    + "measured %.1f ms%n", predictedBefore, first.stats().latencyMs(), s.plan().residentLayerCount(), s.predictedFrameMs(),
                    after.stats().latencyMs());
            for (String out : pack.model().outputs()) assertArrayEquals(first.outputs().get(0).get(out), after.outputs().get(0).get(out), out);
        }
    }
}
