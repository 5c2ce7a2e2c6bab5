package dev.demandlayering.runtime.plan;

import java.util.List;

/**
 * Predicts a frame's latency for a residency choice and ring size by replaying the pipeline's rules:
 * one loader reads streamed layers in order into the ring (first-in first-out, waiting for space), compute
 * runs layers in order and each streamed layer waits for its load. Frames run back to back and the loader
 * continues into the next frame's first layers, so the second simulated frame is the steady state. A blob with a
 * slack slot skips the ring and waits instead for the layer that frees its bytes. A read that runs while compute is
 * busy takes its {@link LayerCost#overlapMs} from compute (the loader's CPU time on compute's cores), in proportion
 * to the part of the read compute was busy for; a read compute waits for costs only its wall time.
 */
final class PipelineSimulator {
    private PipelineSimulator() {
    }

    /**
     * @param resident per step: true keeps its weights in the arena (no load)
     * @param opensAfter per step: the step whose completion frees its slack slot (at or after the step itself: the
     *     previous frame's), or -1 for the ring
     */
    static double frameMs(List<Step> steps, boolean[] resident, long ringBytes, boolean prefetch, int[] opensAfter) {
        int n = steps.size();
        int frames = 2;
        double[] computeEnd = new double[n * frames];
        double[] loadEnd = new double[n * frames];
        RingAllocator ring = new RingAllocator(Math.max(1, ringBytes));
        // release order: streamed steps whose compute has ended, oldest first
        int[] streamedIdx = new int[n * frames];
        int streamedCount = 0, released = 0;
        double loaderFree = 0, computeFree = 0, frameStart = 0, lastFrame = 0;
        for (int g = 0; g < n * frames; g++) {
            Step s = steps.get(g % n);
            if (g % n == 0) frameStart = computeFree;
            boolean streamed = !resident[g % n] && s.slotBytes() > 0;
            double ready = 0, taken = 0;
            int opens = opensAfter[g % n];
            if (streamed && opens >= 0 && prefetch) {
                // idle activation bytes: free once the opening layer has computed (before the first frame: at once)
                int opener = g - g % n + opens - (opens >= g % n ? n : 0);
                loadEnd[g] = Math.max(loaderFree, opener < 0 ? 0 : computeEnd[opener]) + s.cost().loadMs();
                loaderFree = loadEnd[g];
                ready = loadEnd[g];
            } else if (streamed) {
                double start = prefetch ? loaderFree : Math.max(loaderFree, computeFree);
                while (ring.tryAllocate(s.slotBytes()) < 0) {
                    int oldest = streamedIdx[released++];
                    ring.releaseOldest();
                    start = Math.max(start, computeEnd[oldest]);
                }
                loadEnd[g] = start + s.cost().loadMs();
                loaderFree = loadEnd[g];
                ready = loadEnd[g];
                streamedIdx[streamedCount++] = g;
            }
            if (streamed && prefetch && s.cost().overlapMs() > 0) {
                double load = s.cost().loadMs(), start = loadEnd[g] - load;
                double busy = load <= 0 ? 1 : Math.max(0, Math.min(1, (computeFree - start) / load));
                taken = s.cost().overlapMs() * busy;
            }
            double begin = Math.max(computeFree, ready);
            computeEnd[g] = begin + s.cost().computeMs() + taken;
            computeFree = computeEnd[g];
            if (g % n == n - 1) lastFrame = computeFree - frameStart;
        }
        return lastFrame;
    }
}
