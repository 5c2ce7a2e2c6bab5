package dev.demandlayering.cli;

import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.FrameStats;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** How the benches time a configuration: warm-up frames (JIT, first reads, the loader's first lap), then the median of measured frames. */
record FrameTiming(double medianMs, FrameStats last) {
    /**
     * Runs frames until the JIT has compiled the kernels: at least {@code minFrames} and {@code minMs} of frames (the
     * kernels reach their compiled speed over the first hundreds of calls, which is seconds of small frames).
     */
    static void warmUp(Session s, List<Map<String, float[]>> inputs, int minFrames, double minMs) {
        double ms = 0;
        for (int i = 0; i < 1000 && (i < minFrames || ms < minMs); i++) ms += s.run(inputs).stats().latencyMs();
    }

    static FrameTiming measure(Session s, List<Map<String, float[]>> inputs, int warmup, int frames) {
        for (int i = 0; i < warmup; i++) s.run(inputs);
        double[] lat = new double[frames];
        FrameStats last = null;
        for (int i = 0; i < frames; i++) {
            last = s.run(inputs).stats();
            lat[i] = last.latencyMs();
        }
        return of(lat, last);
    }

    /** The median of these frame latencies, with the last frame's figures. */
    static FrameTiming of(double[] latencies, FrameStats last) {
        double[] lat = latencies.clone();
        Arrays.sort(lat);
        return new FrameTiming(lat[lat.length / 2], last);
    }
}
