package dev.demandlayering.runtime.plan;

import java.util.List;

/**
 * The memory-delay trade-off. For each candidate ring size (1, 1.5, 2, 3, 4 and 8 times the largest blob, as
 * the budget allows) it fills the rest of the budget greedily: at each round, the streamed layer whose
 * residency lowers the simulated frame latency most per byte becomes resident, until none helps or none
 * fits; then the budget left keeps the layers that read longest per byte resident, while the prediction does not
 * rise (a read also costs CPU time, which the simulator does not count). The ring size and resident set with the
 * lowest predicted latency win (ties: the smaller ring).
 */
final class ResidencySelector {
    private ResidencySelector() {
    }

    record Choice(boolean[] resident, long ringBytes, double predictedMs) {
    }

    private static double loadPerByte(Step s) {
        return s.slotBytes() == 0 ? 0 : s.cost().loadMs() / s.slotBytes();
    }

    static Choice choose(List<Step> steps, long weightBudget, long maxSlot, boolean prefetch, int[] opensAfter) {
        Choice best = null;
        double[] factors = {1, 1.5, 2, 3, 4, 8};
        for (double f : factors) {
            long ring = ArenaPlanner.BLOCK * (long) Math.ceil(maxSlot * f / ArenaPlanner.BLOCK);
            if (ring > weightBudget) break;
            Choice c = fill(steps, weightBudget - ring, ring, prefetch, opensAfter);
            if (best == null || c.predictedMs() < best.predictedMs() - 1e-9) best = c;
        }
        return best;
    }

    private static Choice fill(List<Step> steps, long room, long ring, boolean prefetch, int[] opensAfter) {
        int n = steps.size();
        boolean[] res = new boolean[n];
        double current = PipelineSimulator.frameMs(steps, res, ring, prefetch, opensAfter);
        while (true) {
            int pick = -1;
            double bestGain = 0;
            double bestLatency = current;
            for (int i = 0; i < n; i++) {
                Step s = steps.get(i);
                if (res[i] || s.slotBytes() == 0 || s.slotBytes() > room) continue;
                res[i] = true;
                double lat = PipelineSimulator.frameMs(steps, res, ring, prefetch, opensAfter);
                res[i] = false;
                double gain = (current - lat) / s.slotBytes();
                if (gain > bestGain) {
                    bestGain = gain;
                    pick = i;
                    bestLatency = lat;
                }
            }
            if (pick < 0) break;
            res[pick] = true;
            room -= steps.get(pick).slotBytes();
            current = bestLatency;
        }
        // the budget left: every read costs CPU time on the cores compute runs on, which the simulator does not count,
        // so the layers that read longest per byte stay resident too, as long as the prediction does not get worse
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble((Integer i) -> -loadPerByte(steps.get(i))));
        for (int i : order) {
            Step s = steps.get(i);
            if (res[i] || s.slotBytes() == 0 || s.slotBytes() > room || loadPerByte(s) <= 0) continue;
            res[i] = true;
            double lat = PipelineSimulator.frameMs(steps, res, ring, prefetch, opensAfter);
            if (lat <= current + 1e-9) {
                room -= s.slotBytes();
                current = lat;
            } else {
                res[i] = false;
            }
        }
        return new Choice(res, ring, current);
    }
}
