package dev.demandlayering.cli;

import dev.demandlayering.runtime.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several configurations, each an open session, timed frame by frame in turn: on a shared host a slow spell (another
 * tenant, a clock change) then slows every configuration alike instead of whichever one was running, so the
 * differences between them, and a prediction against its measurement, are not the host's noise. Sequential runs of
 * one configuration after another differed by 2-4x on such a host.
 */
final class InterleavedTiming {
    /** A configuration to time: its session and its inputs (one map per model). */
    record Config(Session session, List<Map<String, float[]>> inputs) {
    }

    private InterleavedTiming() {
    }

    /**
     * Warms each configuration up ({@link FrameTiming#warmUp}: at least {@code warmFrames} frames and {@code warmMs}),
     * then runs {@code frames} rounds of one frame per configuration; one timing per configuration, in order.
     */
    static List<FrameTiming> measure(List<Config> configs, int warmFrames, double warmMs, int frames) {
        for (Config c : configs) FrameTiming.warmUp(c.session(), c.inputs(), warmFrames, warmMs);
        List<List<dev.demandlayering.runtime.exec.FrameStats>> stats = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) stats.add(new ArrayList<>());
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < configs.size(); i++) stats.get(i).add(configs.get(i).session().run(configs.get(i).inputs()).stats());
        }
        List<FrameTiming> out = new ArrayList<>();
        for (List<dev.demandlayering.runtime.exec.FrameStats> s : stats) out.add(FrameTiming.of(s));
        return out;
    }
}
