package dev.demandlayering.cli;

import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** How the benches time a configuration: warm-up frames (JIT, first reads, the loader's first lap), then the median of measured frames. */
record FrameTiming(double medianMs, List<FrameStats> frames) {
    /**
     * Runs frames until the JIT has compiled the kernels: at least {@code minFrames} and {@code minMs} of frames (the
     * kernels reach their compiled speed over the first hundreds of calls, which is seconds of small frames).
     */
    static void warmUp(Function<List<Map<String, float[]>>, FrameResult> run, List<Map<String, float[]>> inputs, int minFrames, double minMs) {
        double ms = 0;
        for (int i = 0; i < 1000 && (i < minFrames || ms < minMs); i++) ms += run.apply(inputs).stats().latencyMs();
    }

    /** The measured frames' median latency. */
    static FrameTiming of(List<FrameStats> frames) {
        double[] lat = frames.stream().mapToDouble(FrameStats::latencyMs).sorted().toArray();
        return new FrameTiming(lat[lat.length / 2], List.copyOf(frames));
    }

    /** The last measured frame, whose figures (arena, bytes read, stall) the reports print. */
    FrameStats last() {
        return frames.get(frames.size() - 1);
    }
}
