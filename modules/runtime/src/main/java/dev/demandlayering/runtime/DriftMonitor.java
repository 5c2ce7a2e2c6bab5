package dev.demandlayering.runtime;

import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.LayerCost;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches whether the per-layer costs a trade-off plan was made with still hold: it reports drift when the
 * measured frame latency has been more than {@link #THRESHOLD} away from the plan's prediction for
 * {@link #FRAMES} frames in a row (a disk that slowed down, a GPU clocking down, another process taking
 * cores). The new estimates are each layer's average over those frames; a resident layer, which was not
 * loaded, keeps its load estimate.
 */
final class DriftMonitor {
    static final double THRESHOLD = 0.15;
    static final int FRAMES = 3;

    private Map<String, LayerCost> estimates;
    /** Per layer over the frames outside the threshold: load sum, loads seen, compute sum, frames seen. */
    private final Map<String, double[]> window = new HashMap<>();
    private int outside;

    DriftMonitor(Map<String, LayerCost> planned) {
        this.estimates = Map.copyOf(planned);
    }

    /** Takes one frame's figures; true when the plan should be redone with {@link #estimates()}. */
    boolean observe(FrameStats s, double predictedMs) {
        if (Double.isNaN(predictedMs) || predictedMs <= 0) return false;
        if (Math.abs(s.latencyMs() / predictedMs - 1) <= THRESHOLD) {
            outside = 0;
            window.clear();
            return false;
        }
        for (LayerStats l : s.layers()) {
            double[] w = window.computeIfAbsent(ArenaPlanner.key(l.model(), l.layer()), k -> new double[4]);
            if (!l.resident()) {
                w[0] += l.loadMs();
                w[1]++;
            }
            w[2] += l.computeMs();
            w[3]++;
        }
        if (++outside < FRAMES) return false;
        Map<String, LayerCost> next = new HashMap<>(estimates);
        window.forEach((key, w) -> {
            LayerCost old = estimates.get(key);
            double load = w[1] > 0 ? w[0] / w[1] : old != null ? old.loadMs() : 0;
            // compute measured while reads overlapped it already holds what they took: no overlap on top
            next.put(key, new LayerCost(load, w[2] / w[3]));
        });
        estimates = Map.copyOf(next);
        outside = 0;
        window.clear();
        return true;
    }

    Map<String, LayerCost> estimates() {
        return estimates;
    }
}
